#include "server/capture_parser.h"

#include <gtest/gtest.h>

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"

namespace bx {
namespace {

using nlohmann::json;

constexpr Micros kNow = 1'705'312'800'000'000;  // 2024-01-15T10:00:00Z

CaptureBatch Parse(const std::string& body, CaptureOptions options = {}) {
  return ParseCaptureBody(body, kNow, options);
}

TEST(CaptureParser, SingleEventWithDefaults) {
  const CaptureBatch b = Parse(R"({"event": "$pageview", "distinct_id": "u1",
                                   "properties": {"$current_url": "https://x"}})");
  ASSERT_EQ(b.rows.size(), 1u);
  EXPECT_TRUE(b.rejected.empty());
  const EventRow& r = b.rows[0];
  EXPECT_EQ(r.event, "$pageview");
  EXPECT_EQ(r.distinct_id, "u1");
  EXPECT_EQ(json::parse(r.properties)["$current_url"], "https://x");
  EXPECT_EQ(r.timestamp, kNow);
  EXPECT_EQ(r.created_at, kNow);
  EXPECT_EQ(r.inserted_at, kNow);
  EXPECT_EQ(r.team_id, 1);
  EXPECT_TRUE(IsUuid(r.uuid));
  EXPECT_EQ(r.uuid[14], '7') << r.uuid;  // UUIDv7
}

TEST(CaptureParser, BatchKeepsGoodEventsAndReportsBadOnesByIndex) {
  const std::string body = R"({"api_key": "phc_x", "batch": [
    {"event": "a", "distinct_id": "u1", "timestamp": "2024-01-15T09:30:00.5Z",
     "uuid": "0190F6A0-0000-7000-8000-000000000001"},
    {"distinct_id": "u2"},
    {"event": "c", "distinct_id": 42},
    {"event": "d", "distinct_id": "u4", "timestamp": "yesterday"},
    {"event": "e", "distinct_id": "u5", "uuid": "not-a-uuid"},
    {"event": "f", "distinct_id": "u6", "properties": [1]},
    "just a string",
    {"event": "", "distinct_id": "u8"},
    {"event": "i", "distinct_id": "  "},
    {"event": "j", "properties": {"distinct_id": "from-props"}}
  ]})";
  const CaptureBatch b = Parse(body);
  EXPECT_EQ(b.total, 10u);
  ASSERT_EQ(b.rows.size(), 3u);
  EXPECT_EQ(b.rows[0].timestamp, kNow - 30 * 60 * kMicrosPerSecond + 500'000);
  EXPECT_EQ(b.rows[0].uuid, "0190f6a0-0000-7000-8000-000000000001");
  EXPECT_EQ(b.rows[1].distinct_id, "42");
  EXPECT_EQ(b.rows[2].distinct_id, "from-props");

  std::map<size_t, std::string> reasons;
  for (const auto& r : b.rejected) reasons[r.index] = r.reason;
  ASSERT_EQ(reasons.size(), 7u);
  EXPECT_EQ(reasons[1].rfind("event:", 0), 0u) << reasons[1];
  EXPECT_EQ(reasons[3].rfind("timestamp:", 0), 0u) << reasons[3];
  EXPECT_EQ(reasons[4].rfind("uuid:", 0), 0u) << reasons[4];
  EXPECT_EQ(reasons[5].rfind("properties:", 0), 0u) << reasons[5];
  EXPECT_NE(reasons[6].find("object"), std::string::npos) << reasons[6];
  EXPECT_EQ(reasons[7].rfind("event:", 0), 0u) << reasons[7];
  EXPECT_EQ(reasons[8].rfind("distinct_id:", 0), 0u) << reasons[8];
}

TEST(CaptureParser, BareArrayAndSetMerging) {
  const CaptureBatch b =
      Parse(R"([{"event": "$identify", "distinct_id": "u1", "$set": {"email": "a@b.c"}}])");
  ASSERT_EQ(b.rows.size(), 1u);
  EXPECT_EQ(json::parse(b.rows[0].properties)["$set"]["email"], "a@b.c");
}

TEST(CaptureParser, WholeBodyErrors) {
  EXPECT_THROW(Parse("not json"), Error);
  EXPECT_THROW(Parse("42"), Error);
  EXPECT_THROW(Parse(R"({"batch": {"event": "a"}})"), Error);
  CaptureOptions small;
  small.max_events = 2;
  // Too many events is 413 (SDKs split the batch), not 400.
  try {
    Parse(R"([{}, {}, {}])", small);
    ADD_FAILURE() << "3 events passed a limit of 2";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "PayloadTooLarge");
    EXPECT_NE(e.message().find("3 events, more than the limit of 2"), std::string::npos)
        << e.message();
  }
}

TEST(CaptureParser, DirtyTextIsCleanedNotFatal) {
  // Invalid UTF-8 and a lone surrogate: the batch survives, the bad bytes become U+FFFD.
  const std::string body =
      "{\"batch\": [{\"event\": \"a\", \"distinct_id\": \"u\xff\","
      "\"properties\": {\"k\": \"\\ud800x\"}},"
      "{\"event\": \"b\", \"distinct_id\": \"u2\"}]}";
  const CaptureBatch b = Parse(body);
  ASSERT_EQ(b.rows.size(), 2u);
  EXPECT_EQ(b.rows[0].distinct_id, "u\xEF\xBF\xBD");
  EXPECT_NO_THROW(json::parse(b.rows[0].properties));
}

TEST(CaptureParser, OversizedPropertiesAreRejected) {
  CaptureOptions options;
  options.max_properties_bytes = 100;
  const std::string big(200, 'x');
  const CaptureBatch b = Parse(R"([{"event": "a", "distinct_id": "u", "properties": {"k": ")" +
                                   big + R"("}}, {"event": "b", "distinct_id": "u"}])",
                               options);
  ASSERT_EQ(b.rows.size(), 1u);
  ASSERT_EQ(b.rejected.size(), 1u);
  EXPECT_EQ(b.rejected[0].index, 0u);
  EXPECT_EQ(b.rejected[0].reason.rfind("properties:", 0), 0u);
}

TEST(CaptureParser, IdsAreWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewUuidV7(kNow);
    EXPECT_TRUE(IsUuid(id));
    // The first 48 bits are the milliseconds.
    EXPECT_EQ(id.substr(0, 8) + id.substr(9, 4), fmt::format("{:012x}", kNow / 1000));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace bx
