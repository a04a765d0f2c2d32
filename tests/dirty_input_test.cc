// Dirty source data (invalid UTF-8, lone surrogates, raw control characters, text that is not
// JSON) never corrupts output or loses rows.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "source/embedded/event_store.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;

bool ValidUtf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();  // throws type_error 316 on invalid UTF-8
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

std::string Deep(int levels) { return std::string(levels, '[') + std::string(levels, ']'); }

// Properties from every kind of dirt: bad bytes, lone surrogates, NUL raw and escaped, a large
// value, deep nesting, line breaks, text that is not JSON, raw control characters.
const std::vector<std::string>& DirtyProperties() {
  static const std::vector<std::string> kProperties = {
      "{\"name\":\"bad \xff\xfe bytes\",\"ok\":1}",
      R"({"lone":"\ud800","low":"\udc00 x","pair":"\ud83d\ude00"})",
      R"({"nul":"a\u0000b"})",
      std::string("{\"raw_nul\":\"a\0b\"}", 17),
      "{\"big\":\"" + std::string(5 << 20, 'x') + "\"}",
      "{\"deep\":" + Deep(50000) + "}",
      "{\n  \"pretty\": true,\n  \"n\": [1, 2]\n}",
      "this is not json",
      "{\"truncated\": ",
      "",
      "{\"control\":\"a\x01b\"}",
      "{\"truncated_utf8\":\"\xe2\x82\"}",
  };
  return kProperties;
}

// A store holding one event per DirtyProperties() entry, with dirty plain strings too.
void WriteDirtyStore(const fs::path& path) {
  EventStore store(path);
  EventWriter writer(store);
  const auto& properties = DirtyProperties();
  for (size_t i = 0; i < properties.size(); ++i) {
    EventRow row;
    row.uuid = "uuid-" + std::to_string(i);
    // Invalid UTF-8 and NUL in plain string columns too.
    row.event = i == 0 ? "ev\xc3" : i == 2 ? std::string("page\0view", 9) : "$pageview";
    row.distinct_id = "user\n" + std::to_string(i);
    row.properties = properties[i];
    row.person_properties = i == 1 ? R"({"p":"\udfff"})" : "{}";
    row.team_id = 1;
    row.timestamp = row.created_at = row.inserted_at = 1705276800000000 + i;
    writer.Insert(row);
  }
  writer.Flush();
}

// Exports the one hour of the dirty store to `out` in `format`; returns the command's output.
std::string ExportDirty(const fs::path& dir, const fs::path& store, const fs::path& out,
                        const std::string& format) {
  const nlohmann::json def = {
      {"name", "dirty-" + format},
      {"interval", "hour"},
      {"destination",
       {{"type", "File"},
        {"config", {{"path", out.string()}, {"file_format", format}, {"compression", "zstd"}}}}}};
  const fs::path config = dir / (format + ".json");
  e2e::WriteFile(config, def.dump());
  const auto r =
      e2e::RunBinary({"export", "--source", store.string(), "--config", config.string(), "--start",
                      "2024-01-15T00:00:00Z", "--end", "2024-01-15T01:00:00Z"});
  EXPECT_EQ(r.status, 0) << r.output;
  return r.output;
}

const char kHour[] = "2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00";

TEST(DirtyInput, EveryLineParsesAndNoRowIsLost) {
  testing::TempDir dir;
  const fs::path store_path = dir.path() / "events.db";
  WriteDirtyStore(store_path);
  const auto& properties = DirtyProperties();
  const fs::path out = dir.path() / "out";
  const std::string output = ExportDirty(dir.path(), store_path, out, "JSONLines");
  // 10 properties (all but the large and the deep one, which are valid), 1 person_properties
  // and 2 events (NUL, a bad byte): 13 values repaired.
  EXPECT_NE(output.find("repaired=13"), std::string::npos) << output;
  EXPECT_NE(output.find("13 values repaired (the repaired= of a run: NUL bytes dropped"),
            std::string::npos)
      << output;

  const std::string text = e2e::Decompress(out / (std::string(kHour) + ".jsonl.zst"));
  const auto lines = e2e::Lines(text);
  ASSERT_EQ(lines.size(), properties.size());
  EXPECT_EQ(text.find('\0'), std::string::npos);
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_TRUE(ValidUtf8(lines[i])) << "line " << i;
    nlohmann::json row;
    ASSERT_NO_THROW(row = nlohmann::json::parse(lines[i])) << "line " << i;
    EXPECT_EQ(row["uuid"], "uuid-" + std::to_string(i));
    EXPECT_EQ(lines[i].find("\\u0000"), std::string::npos) << "line " << i;
    EXPECT_EQ(lines[i].find("\\ud800"), std::string::npos) << "line " << i;
  }
  EXPECT_EQ(nlohmann::json::parse(lines[0])["properties"]["ok"], 1);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["event"], "ev\xEF\xBF\xBD");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["properties"]["pair"], "\xf0\x9f\x98\x80");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["properties"]["nul"], "ab");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["event"], "pageview");
  EXPECT_EQ(nlohmann::json::parse(lines[4])["properties"]["big"].get<std::string>().size(),
            5u << 20);
  EXPECT_EQ(nlohmann::json::parse(lines[6])["properties"]["pretty"], true);
  EXPECT_EQ(nlohmann::json::parse(lines[7])["properties"], "this is not json");
  EXPECT_EQ(nlohmann::json::parse(lines[8])["properties"], "{\"truncated\": ");
  EXPECT_EQ(nlohmann::json::parse(lines[3])["distinct_id"], "user\n3");
}

// One cleaning rule for every format: DuckDB reads from the Parquet file the values the JSON
// lines file holds, and both runs count the same repairs.
TEST(DirtyInput, ParquetHoldsWhatJsonLinesHold) {
  const fs::path node_modules = fs::path(BX_SOURCE_DIR) / "tools/node/node_modules";
  ASSERT_TRUE(fs::exists(node_modules))
      << "run `npm ci --prefix tools/node` (./run test does) to install the Parquet readers";
  testing::TempDir dir;
  const fs::path store_path = dir.path() / "events.db";
  WriteDirtyStore(store_path);
  const std::string jsonl_output =
      ExportDirty(dir.path(), store_path, dir.path() / "jsonl", "JSONLines");
  const std::string parquet_output =
      ExportDirty(dir.path(), store_path, dir.path() / "parquet", "Parquet");
  EXPECT_NE(parquet_output.find("repaired=13"), std::string::npos) << parquet_output;
  EXPECT_NE(jsonl_output.find("repaired=13"), std::string::npos) << jsonl_output;

  const auto lines =
      e2e::Lines(e2e::Decompress(dir.path() / "jsonl" / (std::string(kHour) + ".jsonl.zst")));
  const fs::path parquet = dir.path() / "parquet" / (std::string(kHour) + ".parquet");
  const auto dump = e2e::RunShell(
      "node " + e2e::ShellQuote(std::string(BX_SOURCE_DIR) + "/tools/node/parquet_dump.mjs") + " " +
      e2e::ShellQuote(parquet.string()) + " 2>&1");
  ASSERT_EQ(dump.status, 0) << dump.output;  // DuckDB refuses a string that is not UTF-8
  const auto rows = e2e::Lines(e2e::ReadFile(parquet.string() + ".duckdb.rows.ndjson"));
  ASSERT_EQ(rows.size(), lines.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const nlohmann::json from_parquet = nlohmann::json::parse(rows[i]);
    const nlohmann::json from_jsonl = nlohmann::json::parse(lines[i]);
    for (const char* key : {"uuid", "event", "distinct_id"}) {
      EXPECT_EQ(from_parquet[key], from_jsonl[key]) << "row " << i << ", " << key;
    }
    for (const char* key : {"properties", "person_properties"}) {
      // The JSON column's text is the value JSON lines embed, byte for byte. (Compared as text:
      // nlohmann's == and dump() recurse, too deep for the 50,000 levels under ASan.)
      ASSERT_TRUE(from_parquet[key].is_string()) << "row " << i << ", " << key;
      const std::string embedded =
          std::string("\"") + key + "\":" + from_parquet[key].get<std::string>() + ",";
      EXPECT_NE(lines[i].find(embedded), std::string::npos) << "row " << i << ", " << key;
    }
  }
}

}  // namespace
}  // namespace bx
