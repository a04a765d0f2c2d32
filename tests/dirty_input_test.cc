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

TEST(DirtyInput, EveryLineParsesAndNoRowIsLost) {
  testing::TempDir dir;
  const fs::path store_path = dir.path() / "events.db";
  std::string deep;
  for (int i = 0; i < 50000; ++i) deep += "[";
  for (int i = 0; i < 50000; ++i) deep += "]";
  const std::vector<std::string> properties = {
      "{\"name\":\"bad \xff\xfe bytes\",\"ok\":1}",
      R"({"lone":"\ud800","low":"\udc00 x","pair":"\ud83d\ude00"})",
      R"({"nul":"a\u0000b"})",
      std::string("{\"raw_nul\":\"a\0b\"}", 17),
      "{\"big\":\"" + std::string(5 << 20, 'x') + "\"}",
      "{\"deep\":" + deep + "}",
      "{\n  \"pretty\": true,\n  \"n\": [1, 2]\n}",
      "this is not json",
      "{\"truncated\": ",
      "",
      "{\"control\":\"a\x01b\"}",
      "{\"truncated_utf8\":\"\xe2\x82\"}",
  };
  {
    EventStore store(store_path);
    EventWriter writer(store);
    for (size_t i = 0; i < properties.size(); ++i) {
      EventRow row;
      row.uuid = "uuid-" + std::to_string(i);
      row.event = i == 0 ? "ev\xc3" : "$pageview";  // invalid UTF-8 in a plain string column too
      row.distinct_id = "user\n" + std::to_string(i);
      row.properties = properties[i];
      row.person_properties = i == 1 ? R"({"p":"\udfff"})" : "{}";
      row.team_id = 1;
      row.timestamp = row.created_at = row.inserted_at = 1705276800000000 + i;
      writer.Insert(row);
    }
    writer.Flush();
  }
  const fs::path out = dir.path() / "out";
  const nlohmann::json def = {
      {"name", "dirty"},
      {"interval", "hour"},
      {"destination",
       {{"type", "File"}, {"config", {{"path", out.string()}, {"compression", "zstd"}}}}}};
  e2e::WriteFile(dir.path() / "export.json", def.dump());
  const auto r = e2e::RunBinary({"export", "--source", store_path.string(), "--config",
                                 (dir.path() / "export.json").string(), "--start",
                                 "2024-01-15T00:00:00Z", "--end", "2024-01-15T01:00:00Z"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("repaired="), std::string::npos) << r.output;

  const std::string text =
      e2e::Decompress(out / "2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00.jsonl.zst");
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
  EXPECT_EQ(nlohmann::json::parse(lines[1])["properties"]["pair"], "\xf0\x9f\x98\x80");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["properties"]["nul"], "ab");
  EXPECT_EQ(nlohmann::json::parse(lines[4])["properties"]["big"].get<std::string>().size(),
            5u << 20);
  EXPECT_EQ(nlohmann::json::parse(lines[6])["properties"]["pretty"], true);
  EXPECT_EQ(nlohmann::json::parse(lines[7])["properties"], "this is not json");
  EXPECT_EQ(nlohmann::json::parse(lines[8])["properties"], "{\"truncated\": ");
  EXPECT_EQ(nlohmann::json::parse(lines[3])["distinct_id"], "user\n3");
}

}  // namespace
}  // namespace bx
