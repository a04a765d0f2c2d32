#include "source/clickhouse/clickhouse_queries.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "source/clickhouse/json_members.h"
#include "source/clickhouse/row_binary_rows.h"

namespace bx {
namespace {

ExportQuery Query(Model model, Layout layout = Layout::kFiles) {
  ExportQuery q;
  q.model = model;
  q.layout = layout;
  q.interval = {1714521600000000, 1714525200000000};  // 2024-05-01 00:00 to 01:00 UTC
  return q;
}

TEST(ClickHouseDialect, FollowsTheServerVersion) {
  EXPECT_EQ(DialectForVersion("18.16.1"), ClickHouseDialect::kSplitMicros);
  EXPECT_EQ(DialectForVersion("20.3.19.4"), ClickHouseDialect::kSplitMicros);
  EXPECT_EQ(DialectForVersion("21.8.15.7"), ClickHouseDialect::kDateTime64);
  EXPECT_EQ(DialectForVersion("24.3.2.23"), ClickHouseDialect::kDateTime64);
  EXPECT_THROW(DialectForVersion("<html>"), Error);
  EXPECT_THROW(DialectForVersion(""), Error);
  EXPECT_THROW(DialectForVersion("24x"), Error);
}

TEST(ClickHouseQueries, LiteralsEscapeQuotesBackslashesAndNul) {
  EXPECT_EQ(ClickHouseLiteral("it's"), "'it\\'s'");
  EXPECT_EQ(ClickHouseLiteral("a\\b"), "'a\\\\b'");
  EXPECT_EQ(ClickHouseLiteral(std::string("x\0y", 3)), "'x\\0y'");
  EXPECT_EQ(ClickHouseLiteral("') OR 1=1 --"), "'\\') OR 1=1 --'");
}

// The reference's schema (DateTime64) cannot run here (Debian's server is 18.16): its SQL is
// pinned here, and the same builders' kSplitMicros output runs against the real server.
TEST(ClickHouseQueries, EventsForDateTime64Servers) {
  ExportQuery q = Query(Model::kEvents);
  q.team_id = 2;
  q.include_events = {"$pageview", "it's"};
  q.exclude_events = {"$feature_flag_called"};
  EXPECT_EQ(EventsQuery(ClickHouseDialect::kDateTime64, q),
            "SELECT toUInt8(190), uuid, event, distinct_id, person_id, properties, "
            "person_properties, elements_chain, toUnixTimestamp64Micro(timestamp), "
            "toUnixTimestamp64Micro(created_at), coalesce(toUnixTimestamp64Micro(inserted_at), "
            "(toInt64(toUnixTimestamp(_timestamp)) * 1000000)) AS bx_inserted_at FROM events "
            "WHERE bx_inserted_at >= 1714521600000000 AND bx_inserted_at < 1714525200000000 "
            "AND team_id = 2 AND event IN ('$pageview', 'it\\'s') AND event NOT IN "
            "('$feature_flag_called') ORDER BY bx_inserted_at, toString(uuid) FORMAT RowBinary");
  EXPECT_EQ(EventsQuery(ClickHouseDialect::kDateTime64, Query(Model::kEvents, Layout::kTables)),
            "SELECT toUInt8(190), uuid, event, properties, elements_chain, distinct_id, team_id, "
            "toUnixTimestamp64Micro(timestamp), person_id, person_properties, "
            "coalesce(toUnixTimestamp64Micro(inserted_at), "
            "(toInt64(toUnixTimestamp(_timestamp)) * 1000000)) AS bx_inserted_at FROM events "
            "WHERE bx_inserted_at >= 1714521600000000 AND bx_inserted_at < 1714525200000000 "
            "ORDER BY bx_inserted_at, toString(uuid) FORMAT RowBinary");
}

TEST(ClickHouseQueries, SplitMicrosAddTheMicrosecondColumn) {
  const std::string sql = EventsQuery(ClickHouseDialect::kSplitMicros, Query(Model::kEvents));
  EXPECT_NE(sql.find("(toInt64(toUInt32(timestamp)) * 1000000 + timestamp_us)"), std::string::npos)
      << sql;
  EXPECT_NE(sql.find("coalesce((toInt64(toUInt32(inserted_at)) * 1000000 + inserted_at_us), "
                     "(toInt64(toUInt32(_timestamp)) * 1000000 + _timestamp_us))"),
            std::string::npos)
      << sql;
}

TEST(ClickHouseQueries, PersonsForDateTime64Servers) {
  EXPECT_EQ(
      PersonsQuery(ClickHouseDialect::kDateTime64, Query(Model::kPersons)),
      "SELECT toUInt8(190), team_id, distinct_id, person_id, properties, distinct_id_version, "
      "person_version, person_created_at, multiIf(id_at = 0, person_at, person_at = 0, id_at, "
      "least(id_at, person_at)), is_deleted FROM (SELECT team_id, distinct_id, "
      "argMax(person_id, version) AS person_id, max(version) AS distinct_id_version, "
      "maxIf((toInt64(toUnixTimestamp(_timestamp)) * 1000000), "
      "(toInt64(toUnixTimestamp(_timestamp)) * 1000000) >= 1714521600000000) AS id_at FROM "
      "person_distinct_id2 WHERE (toInt64(toUnixTimestamp(_timestamp)) * 1000000) < "
      "1714525200000000 AND (team_id, distinct_id) IN (SELECT team_id, distinct_id FROM "
      "person_distinct_id2 WHERE (toInt64(toUnixTimestamp(_timestamp)) * 1000000) < "
      "1714525200000000 AND ((toInt64(toUnixTimestamp(_timestamp)) * 1000000) >= "
      "1714521600000000 OR (team_id, person_id) IN (SELECT team_id, id FROM person WHERE "
      "(toInt64(toUnixTimestamp(_timestamp)) * 1000000) >= 1714521600000000 AND "
      "(toInt64(toUnixTimestamp(_timestamp)) * 1000000) < 1714525200000000))) GROUP BY "
      "team_id, distinct_id) ANY INNER JOIN (SELECT team_id, id AS person_id, "
      "argMax(properties, version) AS properties, max(version) AS person_version, "
      "argMax(toUnixTimestamp64Micro(created_at), version) AS person_created_at, "
      "argMax(is_deleted, version) AS is_deleted, "
      "maxIf((toInt64(toUnixTimestamp(_timestamp)) * 1000000), "
      "(toInt64(toUnixTimestamp(_timestamp)) * 1000000) >= 1714521600000000) AS person_at FROM "
      "person WHERE (toInt64(toUnixTimestamp(_timestamp)) * 1000000) < 1714525200000000 AND "
      "(team_id, id) IN (SELECT team_id, person_id FROM person_distinct_id2 WHERE "
      "(toInt64(toUnixTimestamp(_timestamp)) * 1000000) < 1714525200000000 AND (team_id, "
      "distinct_id) IN (SELECT team_id, distinct_id FROM person_distinct_id2 WHERE "
      "(toInt64(toUnixTimestamp(_timestamp)) * 1000000) < 1714525200000000 AND "
      "((toInt64(toUnixTimestamp(_timestamp)) * 1000000) >= 1714521600000000 OR (team_id, "
      "person_id) IN (SELECT team_id, id FROM person WHERE "
      "(toInt64(toUnixTimestamp(_timestamp)) * 1000000) >= 1714521600000000 AND "
      "(toInt64(toUnixTimestamp(_timestamp)) * 1000000) < 1714525200000000)))) GROUP BY "
      "team_id, id) USING (team_id, person_id) WHERE id_at != 0 OR person_at != 0 ORDER BY "
      "team_id, distinct_id FORMAT RowBinary");
}

TEST(ClickHouseQueries, SessionsForDateTime64Servers) {
  ExportQuery q = Query(Model::kSessions);
  q.team_id = 7;
  EXPECT_EQ(SessionEventsQuery(ClickHouseDialect::kDateTime64, q),
            "SELECT toUInt8(190), team_id, JSONExtractString(properties, '$session_id') AS "
            "bx_session_id, distinct_id, toUnixTimestamp64Micro(timestamp) AS bx_ts, event, "
            "coalesce(toUnixTimestamp64Micro(inserted_at), "
            "(toInt64(toUnixTimestamp(_timestamp)) * 1000000)), properties FROM events WHERE "
            "coalesce(toUnixTimestamp64Micro(inserted_at), "
            "(toInt64(toUnixTimestamp(_timestamp)) * 1000000)) < 1714525200000000 AND "
            "bx_session_id != '' AND (team_id, bx_session_id) IN (SELECT team_id, "
            "JSONExtractString(properties, '$session_id') FROM events WHERE "
            "coalesce(toUnixTimestamp64Micro(inserted_at), "
            "(toInt64(toUnixTimestamp(_timestamp)) * 1000000)) >= 1714521600000000 AND "
            "coalesce(toUnixTimestamp64Micro(inserted_at), "
            "(toInt64(toUnixTimestamp(_timestamp)) * 1000000)) < 1714525200000000 AND team_id = "
            "7) ORDER BY team_id, bx_session_id, bx_ts, toString(uuid) FORMAT RowBinary");
}

TEST(ClickHouseQueries, EventsProfileForDateTime64Servers) {
  ExportQuery q = Query(Model::kEvents);
  q.exclude_events = {"$pageleave"};
  EXPECT_EQ(EventsProfileQuery(ClickHouseDialect::kDateTime64, q),
            "SELECT count(), quantiles(0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375, 0.5, "
            "0.5625, 0.625, 0.6875, 0.75, 0.8125, 0.875, 0.9375)(bx_inserted_at) FROM (SELECT "
            "coalesce(toUnixTimestamp64Micro(inserted_at), (toInt64(toUnixTimestamp(_timestamp)) "
            "* 1000000)) AS bx_inserted_at FROM events WHERE "
            "coalesce(toUnixTimestamp64Micro(inserted_at), (toInt64(toUnixTimestamp(_timestamp)) "
            "* 1000000)) >= 1714521600000000 AND coalesce(toUnixTimestamp64Micro(inserted_at), "
            "(toInt64(toUnixTimestamp(_timestamp)) * 1000000)) < 1714525200000000 AND event NOT "
            "IN ('$pageleave')) FORMAT TabSeparated");
}

TEST(ClickHouseQueries, BigEventIntervalsAreReadInPiecesCutAtTheQuantiles) {
  const Interval day{1000, 2000};
  std::string quantiles = "[";
  for (int i = 1; i < 16; ++i) quantiles += std::to_string(1000 + i * 50) + (i < 15 ? "," : "]");
  const auto pieces = [&](const std::string& profile, uint64_t per_query) {
    std::vector<std::pair<Micros, Micros>> out;
    for (const Interval& i : EventsPieces(day, profile, per_query)) out.push_back({i.start, i.end});
    return out;
  };
  using P = std::vector<std::pair<Micros, Micros>>;
  EXPECT_EQ(pieces("900\t" + quantiles + "\n", 1000), (P{{1000, 2000}}));
  EXPECT_EQ(pieces("1500\t" + quantiles + "\n", 1000), (P{{1000, 1401}, {1401, 2000}}));
  EXPECT_EQ(pieces("4000\t" + quantiles + "\n", 1000),
            (P{{1000, 1201}, {1201, 1401}, {1401, 1601}, {1601, 2000}}));
  EXPECT_EQ(pieces("999999\t" + quantiles + "\n", 1000).size(), 16u);
  // Quantiles that fall together or outside the interval cut nothing; an odd answer, no cut.
  EXPECT_EQ(pieces("4000\t[5,5,5,5,5,5,5,5,5,5,5,5,5,5,5]\n", 1000), (P{{1000, 2000}}));
  EXPECT_EQ(pieces("4000\t[1500,1500,1500,1500,1500,1500,1500,1500,1500,1500,1500,1500,1500,"
                   "1500,1500]\n",
                   1000),
            (P{{1000, 1501}, {1501, 2000}}));
  EXPECT_EQ(pieces("garbage", 1000), (P{{1000, 2000}}));
  EXPECT_EQ(pieces("", 1000), (P{{1000, 2000}}));
}

TEST(RowBinary, UuidBytesAreTwoLittleEndianHalvesHighFirst) {
  // 0188a3b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b as ClickHouse 18.16 sent it.
  const unsigned char bytes[16] = {0x3f, 0x7e, 0x2d, 0x1c, 0xb2, 0xa3, 0x88, 0x01,
                                   0x5b, 0x4a, 0x3f, 0x2e, 0x1d, 0x0c, 0x9b, 0x8a};
  std::string text;
  FormatUuid(reinterpret_cast<const char*>(bytes), text);
  EXPECT_EQ(text, "0188a3b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b");
}

TEST(JsonMembers, ReadsTopLevelMembersAsSqliteDoes) {
  JsonMembers members({{"$ip", JsonMembers::As::kValue},
                       {"$set", JsonMembers::As::kJson},
                       {"n", JsonMembers::As::kValue},
                       {"b", JsonMembers::As::kValue},
                       {"z", JsonMembers::As::kValue}});
  members.Read(R"({"nested":{"$ip":"no"},"$ip":"1.2.3.4","$set":{"a": [1, "x\"y"]},)"
               R"("n":42,"b":true,"z":null,"$ip":"second"})");
  EXPECT_EQ(members.Get(0), "1.2.3.4");
  EXPECT_EQ(members.Get(1), R"({"a":[1,"x\"y"]})");
  EXPECT_EQ(members.Get(2), "42");
  EXPECT_EQ(members.Get(3), "1");
  EXPECT_EQ(members.Get(4), std::nullopt);
  members.Read("not json {");
  EXPECT_EQ(members.Get(0), std::nullopt);
  members.Read(R"(["$ip", "array"])");
  EXPECT_EQ(members.Get(0), std::nullopt);
  members.Read(R"({"$ip":"caf\u00e9"})");
  EXPECT_EQ(members.Get(0), "café");
}

}  // namespace
}  // namespace bx
