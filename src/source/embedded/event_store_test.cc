#include "source/embedded/event_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "base/error.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

std::string JournalMode(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  sqlite3_step(stmt);
  std::string mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return mode;
}

EventRow Row(int i, const std::string& event, int64_t team = 1) {
  EventRow r;
  r.uuid = "u" + std::to_string(i);
  r.event = event;
  r.distinct_id = "d";
  r.properties = "{}";
  r.team_id = team;
  r.timestamp = r.created_at = r.inserted_at = 1000 + i;
  return r;
}

std::vector<std::string> ReadUuids(Source& source, ExportQuery query) {
  std::vector<std::string> out;
  auto reader = source.Read(query);
  RecordBatch batch(FileSchema(Model::kEvents));
  while (reader->Next(batch)) {
    EXPECT_LE(batch.num_rows(), query.batch_rows);
    for (size_t i = 0; i < batch.num_rows(); ++i) {
      out.emplace_back(batch.column(events_col::kUuid).String(i));
    }
  }
  return out;
}

TEST(EventStore, BulkLoadOfAFreshStoreEndsInWalMode) {
  testing::TempDir dir;
  const auto path = dir.path() / "e.db";
  {
    EventStore store(path, EventStore::Mode::kBulkLoad);
    EventWriter writer(store);
    writer.Insert(Row(1, "a"));
    writer.Flush();
  }
  EXPECT_EQ(JournalMode(path), "wal");
  EmbeddedSource source(path);
  EXPECT_EQ(ReadUuids(source, {.interval = {0, 5000}}), std::vector<std::string>{"u1"});
}

TEST(EventStore, ReadersSeeCommittedRowsWhileAWriterIsMidTransaction) {
  testing::TempDir dir;
  const auto path = dir.path() / "e.db";
  EventStore store(path);
  EventWriter writer(store, /*rows_per_transaction=*/1000);
  for (int i = 0; i < 10; ++i) writer.Insert(Row(i, "a"));
  writer.Flush();
  for (int i = 10; i < 20; ++i) writer.Insert(Row(i, "a"));  // uncommitted
  EmbeddedSource source(path);
  EXPECT_EQ(ReadUuids(source, {.interval = {0, 5000}}).size(), 10u);
  writer.Flush();
  EXPECT_EQ(ReadUuids(source, {.interval = {0, 5000}}).size(), 20u);
}

TEST(EventStore, QueryHonoursWindowTeamAndEventFilters) {
  testing::TempDir dir;
  const auto path = dir.path() / "e.db";
  {
    EventStore store(path);
    EventWriter writer(store);
    for (int i = 0; i < 100; ++i) writer.Insert(Row(i, i % 2 ? "odd" : "even", i < 50 ? 1 : 2));
  }
  EmbeddedSource source(path);
  // [1010, 1020): inserted_at is 1000 + i.
  auto uuids = ReadUuids(source, {.interval = {1010, 1020}, .batch_rows = 3});
  ASSERT_EQ(uuids.size(), 10u);
  EXPECT_EQ(uuids.front(), "u10");
  EXPECT_EQ(uuids.back(), "u19");
  EXPECT_EQ(ReadUuids(source, {.interval = {0, 5000}, .team_id = 2}).size(), 50u);
  EXPECT_EQ(ReadUuids(source, {.interval = {0, 5000}, .include_events = {"odd"}}).size(), 50u);
  EXPECT_EQ(ReadUuids(source, {.interval = {0, 5000}, .exclude_events = {"odd", "even"}}).size(),
            0u);
  EXPECT_EQ(
      ReadUuids(source, {.interval = {0, 5000}, .team_id = 1, .include_events = {"even"}}).size(),
      25u);
}

// The uuid and whether the two JSON columns came known clean, for each row of the interval.
std::vector<std::pair<std::string, bool>> ReadKnownClean(const std::filesystem::path& path) {
  EmbeddedSource source(path);
  auto reader = source.Read({.interval = {0, 1 << 30}});
  RecordBatch batch(FileSchema(Model::kEvents));
  std::vector<std::pair<std::string, bool>> out;
  while (reader->Next(batch)) {
    for (size_t i = 0; i < batch.num_rows(); ++i) {
      const bool properties = batch.column(events_col::kProperties).KnownClean(i);
      EXPECT_EQ(batch.column(events_col::kPersonProperties).KnownClean(i), properties);
      out.emplace_back(batch.column(events_col::kUuid).String(i), properties);
    }
  }
  return out;
}

void ExecSql(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(EventStore, RowsWhoseJsonIsCleanAreMarkedSoExportsNeedNotCheckThem) {
  testing::TempDir dir;
  const auto path = dir.path() / "e.db";
  {
    EventStore store(path);
    EventWriter writer(store);
    auto row = [](int i, std::string properties, std::string person_properties) {
      EventRow r = Row(i, "e");
      r.properties = std::move(properties);
      r.person_properties = std::move(person_properties);
      return r;
    };
    writer.Insert(row(1, R"({"a": [1, "x"]})", R"({"email": "a@b.c"})"));
    writer.Insert(row(2, "{\"a\": \"\xff\"}", "{}"));   // invalid UTF-8
    writer.Insert(row(3, "{}", R"({"a": "\u0000"})"));  // NUL, dropped by the rule
    writer.Insert(row(4, "{\"a\":\n1}", "{}"));         // a line break
    writer.Insert(row(5, "not json", "{}"));
    writer.Insert(row(6, R"({"a": "\ud800"})", "{}"));  // a lone surrogate
    writer.Insert(row(7, "{}", ""));                    // empty is not JSON
    writer.Flush();
  }
  EXPECT_EQ(ReadKnownClean(path), (std::vector<std::pair<std::string, bool>>{{"u1", true},
                                                                             {"u2", false},
                                                                             {"u3", false},
                                                                             {"u4", false},
                                                                             {"u5", false},
                                                                             {"u6", false},
                                                                             {"u7", false}}));
  // Another tool changing a row's JSON makes it unknown again.
  ExecSql(path, "UPDATE events SET properties = 'x' WHERE uuid = 'u1'");
  EXPECT_FALSE(ReadKnownClean(path)[0].second);
}

TEST(EventStore, AStoreFromBeforeTheCleanMarkIsReadAndThenGainsIt) {
  testing::TempDir dir;
  const auto path = dir.path() / "old.db";
  ExecSql(path,
          "CREATE TABLE events (uuid TEXT, team_id INTEGER, event TEXT, distinct_id TEXT,"
          " person_id TEXT, properties TEXT, person_properties TEXT, elements_chain TEXT,"
          " timestamp INTEGER, created_at INTEGER, inserted_at INTEGER);"
          "CREATE INDEX events_inserted_at ON events (inserted_at);"
          "INSERT INTO events VALUES ('old', 1, 'e', 'd', 'p', '{}', '{}', '', 5, 5, 5);");
  EXPECT_EQ(ReadKnownClean(path), (std::vector<std::pair<std::string, bool>>{{"old", false}}));
  {
    EventStore store(path);
    EventWriter writer(store);
    EventRow row = Row(10, "e");
    row.person_properties = "{}";
    writer.Insert(row);
    writer.Flush();
  }
  EXPECT_EQ(ReadKnownClean(path),
            (std::vector<std::pair<std::string, bool>>{{"old", false}, {"u10", true}}));
}

TEST(EventStore, AMissingStoreIsAClearError) {
  testing::TempDir dir;
  EmbeddedSource source(dir.path() / "nope.db");
  try {
    source.Read({});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "SourceError");
    EXPECT_NE(e.message().find("does not exist"), std::string::npos);
  }
}

}  // namespace
}  // namespace bx

namespace bx {
namespace {

// The table layout's events: $set, $set_once and $ip out of the properties, the elements chain
// as a JSON string, team_id; properties that are not JSON give none of them and no error.
TEST(EventStore, TheTableLayoutTakesTheWarehouseColumnsOutOfTheProperties) {
  testing::TempDir dir;
  const auto path = dir.path() / "e.db";
  {
    EventStore store(path);
    EventWriter writer(store);
    EventRow a = Row(1, "$identify", 7);
    a.properties = R"({"$set":{"plan":"pro"},"$set_once":{"first":1},"$ip":"10.0.0.1","x":2})";
    a.elements_chain = R"(a:href="/x"nth-child="1")";
    a.person_id = "p1";
    a.person_properties = R"({"plan":"pro"})";
    writer.Insert(a);
    EventRow b = Row(2, "$pageview", 7);
    b.properties = "not json {";
    writer.Insert(b);
    writer.Flush();
  }
  EmbeddedSource source(path);
  ExportQuery query{.layout = Layout::kTables, .interval = {0, 5000}};
  auto reader = source.Read(query);
  const Schema& schema = TableSchema(Model::kEvents);
  RecordBatch batch(schema);
  ASSERT_TRUE(reader->Next(batch));
  ASSERT_EQ(batch.num_rows(), 2u);
  auto text = [&](const char* name, size_t row) {
    const Column& c = batch.column(static_cast<size_t>(schema.IndexOf(name)));
    return c.IsNull(row) ? std::string("NULL") : std::string(c.String(row));
  };
  EXPECT_EQ(text("uuid", 0), "u1");
  EXPECT_EQ(text("set", 0), R"({"plan":"pro"})");
  EXPECT_EQ(text("set_once", 0), R"({"first":1})");
  EXPECT_EQ(text("ip", 0), "10.0.0.1");
  EXPECT_EQ(text("elements", 0), R"("a:href=\"/x\"nth-child=\"1\"")");
  EXPECT_EQ(text("site_url", 0), "");
  EXPECT_EQ(text("person_properties", 0), R"({"plan":"pro"})");
  EXPECT_EQ(batch.column(static_cast<size_t>(schema.IndexOf("team_id"))).Int(0), 7);
  EXPECT_EQ(batch.column(static_cast<size_t>(schema.IndexOf("_inserted_at"))).Int(1), 1002);
  EXPECT_EQ(text("properties", 1), "not json {");
  EXPECT_EQ(text("set", 1), "NULL");
  EXPECT_EQ(text("ip", 1), "NULL");
}

}  // namespace
}  // namespace bx
