#include "testing/clickhouse_tables.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <ctime>

#include "base/error.h"
#include "source/clickhouse/clickhouse_config.h"
#include "testing/fixture_url.h"

namespace bx::testing {
namespace {

// The reference's tables with each time column `x` as a DateTime plus `x_us` (18.16 has no
// DateTime64). Engines as the reference's: ReplacingMergeTree, so replaced versions and
// duplicates stay until a merge, which the source must not rely on.
constexpr const char* kTables[] = {
    R"sql(CREATE TABLE {db}.events (
  uuid UUID, event String, properties String,
  timestamp DateTime, timestamp_us UInt32,
  team_id Int64, distinct_id String, elements_chain String,
  created_at DateTime, created_at_us UInt32,
  person_id UUID, person_properties String,
  inserted_at Nullable(DateTime), inserted_at_us UInt32,
  _timestamp DateTime, _timestamp_us UInt32
) ENGINE = ReplacingMergeTree(_timestamp)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (team_id, toDate(timestamp), event, cityHash64(distinct_id), toString(uuid)))sql",
    R"sql(CREATE TABLE {db}.person (
  id UUID, team_id Int64, properties String,
  created_at DateTime, created_at_us UInt32,
  version Int64, is_deleted UInt8,
  _timestamp DateTime, _timestamp_us UInt32
) ENGINE = ReplacingMergeTree(version) ORDER BY (team_id, id))sql",
    R"sql(CREATE TABLE {db}.person_distinct_id2 (
  team_id Int64, distinct_id String, person_id UUID,
  version Int64, is_deleted UInt8,
  _timestamp DateTime, _timestamp_us UInt32
) ENGINE = ReplacingMergeTree(version) ORDER BY (team_id, distinct_id))sql",
};

std::string Text(sqlite3_stmt* stmt, int i) {
  const auto* text = sqlite3_column_text(stmt, i);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(sqlite3_column_bytes(stmt, i)))
              : std::string();
}

// Streams a query's rows into INSERTs of `rows_per_insert` rows.
template <typename Row>
size_t CopyRows(sqlite3* db, const char* select, ClickHouseClient& client,
                const std::string& insert, size_t rows_per_insert, Row row) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, select, -1, &stmt, nullptr) != SQLITE_OK) {
    throw Error(ErrorKind::kInternal, "TestSetup", sqlite3_errmsg(db));
  }
  std::string body;
  size_t n = 0, pending = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    row(stmt, n, body);
    body += '\n';
    ++n;
    if (++pending == rows_per_insert) {
      InsertTsv(client, insert, body);
      body.clear();
      pending = 0;
    }
  }
  sqlite3_finalize(stmt);
  if (pending) InsertTsv(client, insert, body);
  return n;
}

}  // namespace

std::string ClickHouseHttpUrl() {
  return FixtureUrl("ClickHouse", "clickhouse", "start-clickhouse", "BX_CH_DIR");
}

std::string CreateClickHouseDatabase(const std::string& name) {
  const std::string http = ClickHouseHttpUrl();
  const std::string url = "clickhouse://" + http.substr(http.find("://") + 3) + "/" + name;
  ClickHouseClient client(ParseClickHouseUrl("clickhouse://" + http.substr(http.find("://") + 3)));
  client.Execute("DROP DATABASE IF EXISTS " + name);
  client.Execute("CREATE DATABASE " + name);
  for (const char* ddl : kTables)
    client.Execute(fmt::format(fmt::runtime(ddl), fmt::arg("db", name)));
  return url;
}

void AppendTsv(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void AppendTsvTime(int64_t micros, std::string& out) {
  int64_t seconds = micros / 1'000'000, us = micros % 1'000'000;
  if (us < 0) {
    us += 1'000'000;
    --seconds;
  }
  const time_t t = static_cast<time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  out += fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}\t{}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

void InsertTsv(ClickHouseClient& client, const std::string& insert, const std::string& rows) {
  client.Execute(insert + " FORMAT TabSeparated\n" + rows);
}

size_t CopyStoreToClickHouse(const std::filesystem::path& store, ClickHouseClient& client,
                             const CopyOptions& options) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw Error(ErrorKind::kInternal, "TestSetup", "cannot open " + store.string());
  }
  const size_t events =
      CopyRows(db,
               "SELECT uuid, event, properties, timestamp, team_id, distinct_id, elements_chain, "
               "created_at, person_id, person_properties, inserted_at FROM events ORDER BY rowid",
               client, "INSERT INTO events", options.rows_per_insert,
               [&](sqlite3_stmt* s, size_t n, std::string& out) {
                 for (int i : {0, 1, 2}) {
                   AppendTsv(Text(s, i), out);
                   out += '\t';
                 }
                 AppendTsvTime(sqlite3_column_int64(s, 3), out);
                 out += fmt::format("\t{}\t", sqlite3_column_int64(s, 4));
                 AppendTsv(Text(s, 5), out);
                 out += '\t';
                 AppendTsv(Text(s, 6), out);
                 out += '\t';
                 AppendTsvTime(sqlite3_column_int64(s, 7), out);
                 out += '\t';
                 const std::string person = Text(s, 8);
                 out += person.empty() ? "00000000-0000-0000-0000-000000000000" : person;
                 out += '\t';
                 AppendTsv(Text(s, 9), out);
                 out += '\t';
                 const int64_t inserted_at = sqlite3_column_int64(s, 10);
                 if (options.null_inserted_at_every && n % options.null_inserted_at_every == 0) {
                   out += "\\N\t0\t";
                 } else {
                   AppendTsvTime(inserted_at, out);
                   out += '\t';
                 }
                 AppendTsvTime(inserted_at, out);
               });
  CopyRows(db,
           "SELECT person_id, team_id, properties, created_at, version, is_deleted, changed_at "
           "FROM person_changes",
           client, "INSERT INTO person", options.rows_per_insert,
           [](sqlite3_stmt* s, size_t, std::string& out) {
             out += Text(s, 0) + fmt::format("\t{}\t", sqlite3_column_int64(s, 1));
             AppendTsv(Text(s, 2), out);
             out += '\t';
             AppendTsvTime(sqlite3_column_int64(s, 3), out);
             out +=
                 fmt::format("\t{}\t{}\t", sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5));
             AppendTsvTime(sqlite3_column_int64(s, 6), out);
           });
  CopyRows(db,
           "SELECT team_id, distinct_id, person_id, version, changed_at FROM distinct_id_changes",
           client, "INSERT INTO person_distinct_id2", options.rows_per_insert,
           [](sqlite3_stmt* s, size_t, std::string& out) {
             out += fmt::format("{}\t", sqlite3_column_int64(s, 0));
             AppendTsv(Text(s, 1), out);
             out += '\t' + Text(s, 2) + fmt::format("\t{}\t0\t", sqlite3_column_int64(s, 3));
             AppendTsvTime(sqlite3_column_int64(s, 4), out);
           });
  sqlite3_close(db);
  return events;
}

}  // namespace bx::testing
