#include "source/embedded/sessions_reader.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/schemas.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_events.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

using json = nlohmann::json;

constexpr Micros kHour = 3600LL * kMicrosPerSecond;
constexpr Micros kDay0 = 1705276800LL * kMicrosPerSecond;  // 2024-01-15T00:00:00Z

// A row as text, one column after the other ("null" for a null), whatever computed it.
using Row = std::vector<std::string>;

std::vector<Row> ReadSessions(const std::filesystem::path& store, Micros start, Micros end,
                              size_t batch_rows = 1024) {
  EmbeddedSource source(store);
  ExportQuery query;
  query.model = Model::kSessions;
  query.interval = {start, end};
  query.batch_rows = batch_rows;
  auto reader = source.Read(query);
  RecordBatch batch(FileSchema(Model::kSessions));
  std::vector<Row> rows;
  while (reader->Next(batch)) {
    EXPECT_LE(batch.num_rows(), batch_rows);
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      Row row;
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        const Column& col = batch.column(c);
        row.push_back(col.IsNull(r)                     ? "null"
                      : col.is_binary()                 ? std::string(col.String(r))
                      : col.type() == ColumnType::kBool ? (col.Bool(r) ? "1" : "0")
                                                        : std::to_string(col.Int(r)));
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// The same sessions computed by one SQL query over the store, another way: correlated
// subqueries per session rather than one ordered scan.
std::vector<Row> ExpectedSessions(const std::filesystem::path& store, Micros start, Micros end) {
  constexpr const char* kSql = R"sql(
WITH ev AS (
  SELECT json_extract(properties, '$."$session_id"') AS sid, * FROM events
  WHERE inserted_at < ?2),
touched AS (
  SELECT DISTINCT team_id, sid FROM ev WHERE inserted_at >= ?1 AND sid IS NOT NULL AND sid != ''),
agg AS (
  SELECT t.team_id, t.sid, min(e.timestamp) AS s, max(e.timestamp) AS f,
         sum(e.event = '$pageview') AS pv, sum(e.event = '$autocapture') AS ac,
         max(e.inserted_at) AS ins
  FROM touched t JOIN ev e ON e.team_id = t.team_id AND e.sid = t.sid
  GROUP BY t.team_id, t.sid)
SELECT a.sid, a.team_id,
  (SELECT distinct_id FROM ev WHERE team_id = a.team_id AND sid = a.sid
   ORDER BY timestamp, uuid LIMIT 1),
  a.s, a.f, (a.f - a.s) / 1000000, a.pv, a.ac,
  (SELECT v FROM (SELECT json_extract(properties, '$."$current_url"') AS v, timestamp, uuid FROM ev
   WHERE team_id = a.team_id AND sid = a.sid) WHERE v != '' ORDER BY timestamp, uuid LIMIT 1),
  (SELECT v FROM (SELECT json_extract(properties, '$."$pathname"') AS v, timestamp, uuid FROM ev
   WHERE team_id = a.team_id AND sid = a.sid) WHERE v != '' ORDER BY timestamp, uuid LIMIT 1),
  (SELECT v FROM (SELECT json_extract(properties, '$."$current_url"') AS v, timestamp, uuid FROM ev
   WHERE team_id = a.team_id AND sid = a.sid) WHERE v != ''
   ORDER BY timestamp DESC, uuid DESC LIMIT 1),
  (SELECT v FROM (SELECT json_extract(properties, '$."$pathname"') AS v, timestamp, uuid FROM ev
   WHERE team_id = a.team_id AND sid = a.sid) WHERE v != ''
   ORDER BY timestamp DESC, uuid DESC LIMIT 1),
  (SELECT v FROM (SELECT json_extract(properties, '$.utm_source') AS v, timestamp, uuid FROM ev
   WHERE team_id = a.team_id AND sid = a.sid) WHERE v != '' ORDER BY timestamp, uuid LIMIT 1),
  (SELECT v FROM (SELECT json_extract(properties, '$.utm_campaign') AS v, timestamp, uuid FROM ev
   WHERE team_id = a.team_id AND sid = a.sid) WHERE v != '' ORDER BY timestamp, uuid LIMIT 1),
  (SELECT v FROM (SELECT json_extract(properties, '$.utm_medium') AS v, timestamp, uuid FROM ev
   WHERE team_id = a.team_id AND sid = a.sid) WHERE v != '' ORDER BY timestamp, uuid LIMIT 1),
  (SELECT v FROM (SELECT json_extract(properties, '$."$referring_domain"') AS v, timestamp, uuid
   FROM ev WHERE team_id = a.team_id AND sid = a.sid) WHERE v != ''
   ORDER BY timestamp, uuid LIMIT 1),
  a.pv <= 1 AND a.ac = 0 AND (a.f - a.s) / 1000000 < 10,
  a.ins
FROM agg a ORDER BY a.team_id, a.sid
)sql";
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, kSql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_bind_int64(stmt, 1, start);
  sqlite3_bind_int64(stmt, 2, end);
  std::vector<Row> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    Row row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      row.push_back(text ? text : "null");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

class SessionsReaderTest : public ::testing::Test {
 protected:
  void Insert(const std::vector<EventRow>& rows) {
    EventStore store(path_);
    EventWriter writer(store);
    for (const EventRow& row : rows) writer.Insert(row);
    writer.Flush();
  }

  testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "events.db";
};

TEST_F(SessionsReaderTest, GeneratedSessionsMatchAnIndependentComputationInEveryHour) {
  {
    EventStore store(path_, EventStore::Mode::kBulkLoad);
    EventWriter writer(store);
    SampleEventGenerator generator({20000, kDay0, kDay0 + 6 * kHour, 1, 7});
    EventRow row;
    while (generator.Next(row)) writer.Insert(row);
    writer.Flush();
  }
  std::set<std::string> seen, crossing;
  size_t rows = 0;
  for (int hour = 0; hour < 6; ++hour) {
    const Micros start = kDay0 + hour * kHour, end = start + kHour;
    const auto got = ReadSessions(path_, start, end, 100);  // many batches
    const auto expected = ExpectedSessions(path_, start, end);
    ASSERT_EQ(got.size(), expected.size()) << "hour " << hour;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], expected[i]) << "hour " << hour << ", row " << i;
      if (!seen.insert(got[i][0]).second) crossing.insert(got[i][0]);
    }
    rows += got.size();
  }
  EXPECT_GT(rows, 1000u);
  EXPECT_GT(crossing.size(), 100u) << "sessions exported in more than one hour";
}

TEST_F(SessionsReaderTest, ASessionsRowsGrowUntilItsLastEventAndBouncesAreCounted) {
  auto event = [](const std::string& uuid, const std::string& name, Micros at, const json& props,
                  Micros inserted) {
    EventRow row;
    row.uuid = uuid;
    row.event = name;
    row.distinct_id = "d-" + uuid;
    row.properties = props.dump();
    row.team_id = 1;
    row.timestamp = at;
    row.created_at = row.inserted_at = inserted;
    return row;
  };
  const Micros t = kDay0 + 10 * 60 * kMicrosPerSecond;
  Insert({
      event("a", "$pageview", t,
            {{"$session_id", "s1"},
             {"$current_url", "https://x/in"},
             {"$pathname", "/in"},
             {"utm_source", "ad"},
             {"$referring_domain", "google.com"}},
            t),
      // Ingested in the next hour, but earlier in time: becomes the entry.
      event("b", "$autocapture", t - 5 * kMicrosPerSecond,
            {{"$session_id", "s1"}, {"utm_campaign", "winter"}}, t + kHour),
      event("c", "$pageview", t + 20 * kMicrosPerSecond,
            {{"$session_id", "s1"}, {"$current_url", "https://x/out"}, {"$pathname", "/out"}},
            t + kHour),
      event("d", "$pageview", t, {{"$session_id", "bounce"}}, t),
      event("e", "$pageview", t, {{"other", 1}}, t),  // no session
      event("f", "$pageview", t, json::object(), t),
  });
  const auto first = ReadSessions(path_, kDay0, kDay0 + kHour);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0][0], "bounce");
  EXPECT_EQ(first[0][16], "1");
  EXPECT_EQ(first[1], (Row{"s1", "1", "d-a", std::to_string(t), std::to_string(t), "0", "1", "0",
                           "https://x/in", "/in", "https://x/in", "/in", "ad", "null", "null",
                           "google.com", "1", std::to_string(t)}));
  const auto second = ReadSessions(path_, kDay0 + kHour, kDay0 + 2 * kHour);
  ASSERT_EQ(second.size(), 1u);
  const Micros start = t - 5 * kMicrosPerSecond, end = t + 20 * kMicrosPerSecond;
  EXPECT_EQ(second[0], (Row{"s1", "1", "d-b", std::to_string(start), std::to_string(end), "25", "2",
                            "1", "https://x/in", "/in", "https://x/out", "/out", "ad", "winter",
                            "null", "google.com", "0", std::to_string(t + kHour)}));
}

TEST_F(SessionsReaderTest, PropertiesThatAreNotJsonBelongToNoSession) {
  EventRow row;
  row.uuid = "u";
  row.event = "$pageview";
  row.distinct_id = "d";
  row.properties = "not json {\"$session_id\":\"s\"}";
  row.team_id = 1;
  row.timestamp = row.created_at = row.inserted_at = kDay0 + 1;
  Insert({row});
  EXPECT_TRUE(ReadSessions(path_, kDay0, kDay0 + kHour).empty());
}

}  // namespace
}  // namespace bx
