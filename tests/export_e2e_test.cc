// The foundation end to end: generate events into the embedded store, export them with the
// built binary, check every file with independent tools.

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_events.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

using e2e::RunBinary;
namespace fs = std::filesystem;

constexpr char kDayStart[] = "2024-01-15T00:00:00Z";
constexpr char kDayEnd[] = "2024-01-16T00:00:00Z";

nlohmann::json FileExport(const fs::path& out, const std::string& compression,
                          std::optional<double> max_mb,
                          const std::string& prefix = "{year}/{month}/{day}/") {
  nlohmann::json config = {{"path", out.string()},
                           {"prefix", prefix},
                           {"file_format", "JSONLines"},
                           {"compression", compression}};
  if (max_mb) config["max_file_size_mb"] = *max_mb;
  return {{"name", "e2e"},
          {"model", "events"},
          {"interval", "hour"},
          {"destination", {{"type", "File"}, {"config", config}}}};
}

class ExportE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    store_ = dir_->path() / "events.db";
    const auto r = RunBinary({"events", "generate", "--source", store_.string(), "--count",
                              "200000", "--start", kDayStart, "--end", kDayEnd, "--seed", "11"});
    ASSERT_EQ(r.status, 0) << r.output;
  }
  static void TearDownTestSuite() { delete dir_; }

  static fs::path WriteConfig(const std::string& name, const nlohmann::json& config) {
    const fs::path p = dir_->path() / name;
    e2e::WriteFile(p, config.dump(2));
    return p;
  }

  static testing::TempDir* dir_;
  static fs::path store_;
};
testing::TempDir* ExportE2E::dir_ = nullptr;
fs::path ExportE2E::store_;

// Every row appears exactly once across all files; files within 10% of 1 MiB except each
// interval's last; manifests list exactly the files, in order.
TEST_F(ExportE2E, HourlyGzipSplitAtOneMiBExportsEveryRowOnce) {
  const fs::path out = dir_->path() / "out-gzip";
  const fs::path config = WriteConfig("gzip.json", FileExport(out, "gzip", 1));
  const auto r = RunBinary({"export", "--source", store_.string(), "--config", config.string(),
                            "--start", kDayStart, "--end", kDayEnd});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("24 runs, 0 failed: 200,000 rows"), std::string::npos) << r.output;

  const auto files = e2e::ListFiles(out);
  std::map<std::string, std::vector<std::string>> data_by_interval;  // base name -> keys
  std::set<std::string> manifests;
  for (const auto& [key, size] : files) {
    if (key.ends_with("_manifest.json")) {
      manifests.insert(key);
      continue;
    }
    ASSERT_TRUE(key.ends_with(".jsonl.gz")) << key;
    ASSERT_EQ(key.rfind("2024/01/", 0), 0u) << key;
    const std::string name = fs::path(key).filename().string();
    data_by_interval[name.substr(0, name.rfind('-'))].push_back(key);
  }
  ASSERT_EQ(data_by_interval.size(), 24u);
  ASSERT_EQ(manifests.size(), 24u);

  size_t files_checked = 0;
  for (auto& [base, keys] : data_by_interval) {
    std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
      auto n = [](const std::string& k) { return std::stoi(k.substr(k.rfind('-') + 1)); };
      return n(a) < n(b);
    });
    const std::string dir = fs::path(keys[0]).parent_path().string();
    const auto manifest =
        nlohmann::json::parse(e2e::ReadFile(out / dir / (base + "_manifest.json")));
    EXPECT_EQ(manifest["files"].get<std::vector<std::string>>(), keys) << base;
    for (size_t i = 0; i < keys.size(); ++i) {
      EXPECT_EQ(keys[i], dir + "/" + base + "-" + std::to_string(i) + ".jsonl.gz");
      const auto check = e2e::RunShell("gzip -t " + e2e::ShellQuote((out / keys[i]).string()));
      EXPECT_EQ(check.status, 0) << keys[i] << check.output;
      if (i + 1 < keys.size()) {
        const double size = static_cast<double>(files.at(keys[i]));
        EXPECT_NEAR(size, 1 << 20, 0.10 * (1 << 20)) << keys[i];
        ++files_checked;
      }
    }
  }
  EXPECT_GT(files_checked, 0u) << "no interval was split: the size check checked nothing";

  std::multiset<std::string> exported;
  for (const auto& [key, size] : files) {
    if (key.ends_with("_manifest.json")) continue;
    for (const std::string& line : e2e::Lines(e2e::Decompress(out / key))) {
      exported.insert(e2e::JsonStringField(line, "uuid"));
    }
  }
  EXPECT_EQ(exported.size(), 200000u);
  EXPECT_TRUE(exported == e2e::StoreUuids(store_)) << "exported uuids differ from the store's";
}

TEST_F(ExportE2E, JsonLinesShape) {
  const fs::path out = dir_->path() / "out-shape";
  const fs::path config = WriteConfig("shape.json", FileExport(out, "", std::nullopt, ""));
  const auto r = RunBinary({"export", "--source", store_.string(), "--config", config.string(),
                            "--start", "2024-01-15T05:00:00Z", "--end", "2024-01-15T06:00:00Z"});
  ASSERT_EQ(r.status, 0) << r.output;
  const auto text =
      e2e::ReadFile(out / "2024-01-15T05:00:00+00:00-2024-01-15T06:00:00+00:00.jsonl");
  const auto lines = e2e::Lines(text);
  ASSERT_GT(lines.size(), 1000u);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00)");
  const std::vector<std::string> order = {"uuid",           "event",      "distinct_id",
                                          "person_id",      "properties", "person_properties",
                                          "elements_chain", "timestamp",  "created_at",
                                          "_inserted_at"};
  bool saw_autocapture = false;
  for (const auto& line : lines) {
    const auto row = nlohmann::ordered_json::parse(line);
    std::vector<std::string> keys;
    for (auto it = row.begin(); it != row.end(); ++it) keys.push_back(it.key());
    ASSERT_EQ(keys, order);
    ASSERT_TRUE(row["properties"].is_object()) << line;
    ASSERT_TRUE(row["person_properties"].is_object()) << line;
    for (const char* t : {"timestamp", "created_at", "_inserted_at"}) {
      ASSERT_TRUE(std::regex_match(row[t].get<std::string>(), iso)) << row[t];
    }
    const std::string inserted = row["_inserted_at"];
    ASSERT_TRUE(inserted >= "2024-01-15T05:00:00" && inserted < "2024-01-15T06:00:00") << inserted;
    if (row["event"] == "$autocapture")
      saw_autocapture = !row["elements_chain"].get<std::string>().empty();
  }
  EXPECT_TRUE(saw_autocapture);
}

TEST_F(ExportE2E, EveryCompressionOpensWithItsStandardTool) {
  for (const std::string codec : {"none", "gzip", "zstd", "brotli", "lz4"}) {
    const fs::path out = dir_->path() / ("codec-" + codec);
    const fs::path config = WriteConfig(codec + ".json", FileExport(out, codec, std::nullopt, ""));
    const auto r = RunBinary({"export", "--source", store_.string(), "--config", config.string(),
                              "--start", "2024-01-15T10:00:00Z", "--end", "2024-01-15T12:00:00Z"});
    ASSERT_EQ(r.status, 0) << r.output;
    const auto files = e2e::ListFiles(out);
    ASSERT_EQ(files.size(), 2u) << codec;
    size_t lines = 0;
    for (const auto& [key, size] : files) {
      const std::string suffix = codec == "none"     ? ".jsonl"
                                 : codec == "gzip"   ? ".jsonl.gz"
                                 : codec == "zstd"   ? ".jsonl.zst"
                                 : codec == "brotli" ? ".jsonl.br"
                                                     : ".jsonl.lz4";
      ASSERT_TRUE(key.ends_with(suffix)) << key;
      if (codec != "none") {
        const std::string tool = codec == "gzip" ? "gzip" : codec == "zstd" ? "zstd" : codec;
        const auto t = e2e::RunShell(tool + " -t " + e2e::ShellQuote((out / key).string()));
        EXPECT_EQ(t.status, 0) << key << ": " << t.output;
      }
      lines += e2e::Lines(e2e::Decompress(out / key)).size();
    }
    EXPECT_NEAR(static_cast<double>(lines), 200000.0 / 12, 2000) << codec;
  }
}

TEST_F(ExportE2E, ARerunReplacesFilesByteForByte) {
  const fs::path out = dir_->path() / "out-rerun";
  const fs::path config = WriteConfig("rerun.json", FileExport(out, "zstd", 0.5));
  const std::vector<std::string> args = {"export",
                                         "--source",
                                         store_.string(),
                                         "--config",
                                         config.string(),
                                         "--start",
                                         "2024-01-15T03:00:00Z",
                                         "--end",
                                         "2024-01-15T05:00:00Z"};
  ASSERT_EQ(RunBinary(args).status, 0);
  std::map<std::string, std::string> first;
  for (const auto& [key, size] : e2e::ListFiles(out)) first[key] = e2e::ReadFile(out / key);
  ASSERT_EQ(RunBinary(args).status, 0);
  std::map<std::string, std::string> second;
  for (const auto& [key, size] : e2e::ListFiles(out)) second[key] = e2e::ReadFile(out / key);
  EXPECT_EQ(first.size(), second.size());
  EXPECT_TRUE(first == second);
}

// Intervals exported on several threads: the same files byte for byte, and the run lines in
// interval order, as with one worker.
TEST_F(ExportE2E, WorkersExportTheSameFilesAndReportInOrder) {
  std::map<std::string, std::string> files[2];
  std::vector<std::string> spans[2];
  for (int pass = 0; pass < 2; ++pass) {
    const std::string workers = pass == 0 ? "1" : "4";
    const fs::path out = dir_->path() / ("out-workers-" + workers);
    const fs::path config =
        WriteConfig("workers-" + workers + ".json", FileExport(out, "gzip", 0.5));
    const auto r =
        RunBinary({"export", "--source", store_.string(), "--config", config.string(), "--start",
                   "2024-01-15T00:00:00Z", "--end", "2024-01-15T09:00:00Z", "--workers", workers});
    ASSERT_EQ(r.status, 0) << r.output;
    const std::regex line(R"((\S+ \.\. \S+)  Completed  )");
    for (auto it = std::sregex_iterator(r.output.begin(), r.output.end(), line);
         it != std::sregex_iterator(); ++it) {
      spans[pass].push_back((*it)[1]);
    }
    for (const auto& [key, size] : e2e::ListFiles(out)) files[pass][key] = e2e::ReadFile(out / key);
  }
  ASSERT_EQ(spans[0].size(), 9u);
  EXPECT_EQ(spans[1], spans[0]);
  EXPECT_TRUE(std::is_sorted(spans[1].begin(), spans[1].end()));
  EXPECT_GT(files[0].size(), 9u);
  EXPECT_TRUE(files[0] == files[1]);
}

TEST_F(ExportE2E, IncludeAndExcludeEvents) {
  for (const std::string field : {"include_events", "exclude_events"}) {
    const fs::path out = dir_->path() / ("out-" + field);
    auto def = FileExport(out, "", std::nullopt, "");
    def["destination"]["config"][field] = {"$pageview"};
    const fs::path config = WriteConfig(field + ".json", def);
    const auto r = RunBinary({"export", "--source", store_.string(), "--config", config.string(),
                              "--start", "2024-01-15T07:00:00Z", "--end", "2024-01-15T08:00:00Z"});
    ASSERT_EQ(r.status, 0) << r.output;
    const auto lines = e2e::Lines(
        e2e::ReadFile(out / "2024-01-15T07:00:00+00:00-2024-01-15T08:00:00+00:00.jsonl"));
    ASSERT_GT(lines.size(), 100u);
    for (const auto& line : lines) {
      const bool pageview = e2e::JsonStringField(line, "event") == "$pageview";
      ASSERT_EQ(pageview, field == "include_events") << line;
    }
  }
}

TEST_F(ExportE2E, AnEmptyIntervalCompletesWithNoFile) {
  const fs::path out = dir_->path() / "out-empty";
  const fs::path config = WriteConfig("empty.json", FileExport(out, "gzip", 1));
  const auto r = RunBinary({"export", "--source", store_.string(), "--config", config.string(),
                            "--start", "2024-02-01T00:00:00Z", "--end", "2024-02-01T02:00:00Z"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Completed  rows=0  files=0"), std::string::npos) << r.output;
  EXPECT_TRUE(e2e::ListFiles(out).empty());
}

}  // namespace
}  // namespace bx
