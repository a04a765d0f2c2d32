// Parquet end to end: generated events exported with the built binary, read back by DuckDB
// (tools/node/parquet_dump.mjs), an independent reader.

#include <gtest/gtest.h>

#include <set>

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;

TEST(ParquetExport, SplitFilesHoldEveryRowOnceAndDuckDbReadsThem) {
  const fs::path node_modules = fs::path(BX_SOURCE_DIR) / "tools/node/node_modules";
  ASSERT_TRUE(fs::exists(node_modules))
      << "run `npm ci --prefix tools/node` (./run test does) to install the Parquet readers";
  testing::TempDir dir;
  const fs::path store = dir.path() / "events.db";
  auto r = e2e::RunBinary({"events", "generate", "--source", store.string(), "--count", "200000",
                           "--start", "2024-01-15T00:00:00Z", "--end", "2024-01-15T04:00:00Z"});
  ASSERT_EQ(r.status, 0) << r.output;

  const fs::path out = dir.path() / "out";
  const nlohmann::json def = {{"name", "pq"},
                              {"interval", "hour"},
                              {"destination",
                               {{"type", "File"},
                                {"config",
                                 {{"path", out.string()},
                                  {"file_format", "Parquet"},
                                  {"compression", "zstd"},
                                  {"max_file_size_mb", 2}}}}}};
  e2e::WriteFile(dir.path() / "pq.json", def.dump());
  r = e2e::RunBinary({"export", "--source", store.string(), "--config",
                      (dir.path() / "pq.json").string(), "--start", "2024-01-15T00:00:00Z", "--end",
                      "2024-01-15T05:00:00Z"});  // the 5th hour has no data
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Completed  rows=0  files=0"), std::string::npos) << r.output;

  // Copies go to check/ so the reader's dumps do not land beside the exported files.
  const fs::path check = dir.path() / "check";
  fs::create_directories(check);
  std::string command =
      "node " + e2e::ShellQuote(std::string(BX_SOURCE_DIR) + "/tools/node/parquet_dump.mjs");
  std::map<std::string, std::vector<std::string>> by_interval;
  size_t manifests = 0;
  for (const auto& [key, size] : e2e::ListFiles(out)) {
    if (key.ends_with("_manifest.json")) {
      ++manifests;
      continue;
    }
    ASSERT_TRUE(key.ends_with(".parquet")) << key;
    by_interval[key.substr(0, key.rfind('-'))].push_back(key);
    fs::copy_file(out / key, check / key);
    command += " " + e2e::ShellQuote((check / key).string());
  }
  ASSERT_EQ(by_interval.size(), 4u);
  EXPECT_EQ(manifests, 4u);
  const auto dump = e2e::RunShell(command);
  ASSERT_EQ(dump.status, 0) << dump.output;

  std::multiset<std::string> exported;
  size_t full_files = 0;
  for (auto& [base, keys] : by_interval) {
    const auto manifest = nlohmann::json::parse(e2e::ReadFile(out / (base + "_manifest.json")));
    ASSERT_EQ(manifest["files"].size(), keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string key = manifest["files"][i];
      EXPECT_EQ(key, base + "-" + std::to_string(i) + ".parquet");
      if (i + 1 < keys.size()) {
        EXPECT_NEAR(static_cast<double>(fs::file_size(out / key)), 2 << 20, 0.10 * (2 << 20))
            << key;
        ++full_files;
      }
      for (const auto& line : e2e::Lines(e2e::ReadFile(check / (key + ".duckdb.rows.ndjson")))) {
        exported.insert(e2e::JsonStringField(line, "uuid"));
      }
    }
  }
  EXPECT_GT(full_files, 0u) << "no interval was split";
  EXPECT_EQ(exported.size(), 200000u);
  EXPECT_TRUE(exported == e2e::StoreUuids(store)) << "exported uuids differ from the store's";
}

}  // namespace
}  // namespace bx
