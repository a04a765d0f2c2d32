#include "source/embedded/event_store.h"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "source/embedded/sessions_reader.h"
#include "source/embedded/store_sql.h"

namespace bx {
namespace {

using store_sql::AppendInt;
using store_sql::AppendText;
using store_sql::BindText;
using store_sql::Exec;
using store_sql::HasColumn;
using store_sql::Open;
using store_sql::OpenForReading;
using store_sql::Prepare;
using store_sql::StoreError;

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS events (
  uuid TEXT, team_id INTEGER, event TEXT, distinct_id TEXT, person_id TEXT,
  properties TEXT, person_properties TEXT, elements_chain TEXT,
  timestamp INTEGER, created_at INTEGER, inserted_at INTEGER, json_clean INTEGER);
CREATE INDEX IF NOT EXISTS events_inserted_at ON events (inserted_at);
-- The sessions model (sessions_reader.cc) finds a session's events by this expression; dirty
-- properties that are not JSON belong to no session.
CREATE INDEX IF NOT EXISTS events_session ON events (team_id,
  json_extract(CASE WHEN json_valid(properties) THEN properties END, '$."$session_id"'));
-- Every state of every person and distinct_id mapping (source/embedded/person_writer.h), with
-- the ingestion time of the change: the persons model exports the state as of an interval's end.
CREATE TABLE IF NOT EXISTS person_changes (
  team_id INTEGER NOT NULL, person_id TEXT NOT NULL, version INTEGER NOT NULL,
  properties TEXT NOT NULL, created_at INTEGER NOT NULL, is_deleted INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, person_id, version)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_changes_at ON person_changes (changed_at);
CREATE TABLE IF NOT EXISTS distinct_id_changes (
  team_id INTEGER NOT NULL, distinct_id TEXT NOT NULL, version INTEGER NOT NULL,
  person_id TEXT NOT NULL, changed_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, distinct_id, version)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS distinct_id_changes_at ON distinct_id_changes (changed_at);
CREATE INDEX IF NOT EXISTS distinct_id_changes_person ON distinct_id_changes (team_id, person_id);
)sql";

// After kSchemaSql, once events has json_clean (stores made before it get it by ALTER TABLE).
// json_clean = 1: EventWriter found properties and person_properties clean by the export's rule
// (core/json_sanitizer.h), so exports copy them without checking again; NULL: not known. A
// change of either by any tool makes the row unknown again.
constexpr const char* kJsonCleanTriggerSql = R"sql(
CREATE TRIGGER IF NOT EXISTS events_json_changed AFTER UPDATE OF properties, person_properties
  ON events WHEN NEW.json_clean IS NOT NULL
  BEGIN UPDATE events SET json_clean = NULL WHERE rowid = NEW.rowid; END;
)sql";

// Each model's query selects its FileSchema's columns in order. ?1 and ?2 are the interval's
// start and end, ?3 the team (NULL: every team).

// The events of an interval, with the export's filters. Index order is (inserted_at, rowid),
// so a scan is deterministic: a backfill and a scheduled run of the same interval see the rows
// in the same order and write the same bytes.
#define BX_EVENTS_OF_INTERVAL                                             \
  " FROM events INDEXED BY events_inserted_at"                            \
  " WHERE inserted_at >= ?1 AND inserted_at < ?2"                         \
  "   AND (?3 IS NULL OR team_id = ?3)"                                   \
  "   AND (?4 IS NULL OR event IN (SELECT value FROM json_each(?4)))"     \
  "   AND (?5 IS NULL OR event NOT IN (SELECT value FROM json_each(?5)))" \
  " ORDER BY inserted_at"

// The file columns and then json_clean (NULL in stores written before it existed).
constexpr const char* kEventsSql =
    "SELECT uuid, event, distinct_id, person_id, properties, person_properties, elements_chain,"
    " timestamp, created_at, inserted_at, json_clean" BX_EVENTS_OF_INTERVAL;
constexpr const char* kEventsSqlWithoutJsonClean =
    "SELECT uuid, event, distinct_id, person_id, properties, person_properties, elements_chain,"
    " timestamp, created_at, inserted_at, NULL" BX_EVENTS_OF_INTERVAL;

// The events as a warehouse table has them (TableSchema): $set, $set_once and $ip taken out of
// the properties (none when they are not JSON), elements as the chain in a JSON string, and an
// empty site_url, as the reference does.
constexpr const char* kEventsTableSql =
    "SELECT uuid, event, properties, json_quote(elements_chain),"
    " CASE WHEN json_valid(properties) THEN properties -> '$.\"$set\"' END,"
    " CASE WHEN json_valid(properties) THEN properties -> '$.\"$set_once\"' END,"
    " distinct_id, team_id,"
    " CASE WHEN json_valid(properties) THEN properties ->> '$.\"$ip\"' END,"
    " '', timestamp, person_id, person_properties, inserted_at" BX_EVENTS_OF_INTERVAL;

#undef BX_EVENTS_OF_INTERVAL

// One row per (team_id, distinct_id) whose mapping or person changed in the interval, in the
// state both had at its end; _inserted_at is the latest change of the mapping in the interval
// or the latest of the person, the earlier of the two when both changed.
constexpr const char* kPersonsSql = R"sql(
WITH
changed_ids AS (
  SELECT team_id, distinct_id, max(changed_at) AS at FROM distinct_id_changes
  WHERE changed_at >= ?1 AND changed_at < ?2 AND (?3 IS NULL OR team_id = ?3)
  GROUP BY team_id, distinct_id),
changed_persons AS (
  SELECT team_id, person_id, max(changed_at) AS at FROM person_changes
  WHERE changed_at >= ?1 AND changed_at < ?2 AND (?3 IS NULL OR team_id = ?3)
  GROUP BY team_id, person_id),
candidates AS (
  SELECT team_id, distinct_id FROM changed_ids
  UNION
  -- Without statistics the planner took the primary key's team_id prefix: a scan of the
  -- team's whole mapping history per changed person (10 s an hour for 200k events a day).
  SELECT d.team_id, d.distinct_id FROM changed_persons p
    JOIN distinct_id_changes d INDEXED BY distinct_id_changes_person
    ON d.team_id = p.team_id AND d.person_id = p.person_id AND d.changed_at < ?2),
mappings AS (
  SELECT c.team_id, c.distinct_id, d.person_id, d.version
  FROM candidates c JOIN distinct_id_changes d
    ON d.team_id = c.team_id AND d.distinct_id = c.distinct_id
  WHERE d.version = (SELECT max(version) FROM distinct_id_changes x
                     WHERE x.team_id = c.team_id AND x.distinct_id = c.distinct_id
                       AND x.changed_at < ?2))
SELECT m.team_id, m.distinct_id, m.person_id, p.properties, m.version, p.version, p.created_at,
       CASE WHEN ci.at IS NULL THEN cp.at WHEN cp.at IS NULL THEN ci.at
            ELSE min(ci.at, cp.at) END,
       p.is_deleted
FROM mappings m
JOIN person_changes p ON p.team_id = m.team_id AND p.person_id = m.person_id
  AND p.version = (SELECT max(version) FROM person_changes y
                   WHERE y.team_id = m.team_id AND y.person_id = m.person_id
                     AND y.changed_at < ?2)
LEFT JOIN changed_ids ci ON ci.team_id = m.team_id AND ci.distinct_id = m.distinct_id
LEFT JOIN changed_persons cp ON cp.team_id = m.team_id AND cp.person_id = m.person_id
WHERE ci.at IS NOT NULL OR cp.at IS NOT NULL
ORDER BY m.team_id, m.distinct_id
)sql";

class EmbeddedReader : public BatchReader {
 public:
  // The events (either layout) or persons model: their queries select the schema's columns
  // in order.
  EmbeddedReader(const std::filesystem::path& path, const ExportQuery& query) : query_(query) {
    db_ = OpenForReading(path);
    const char* sql = query.model == Model::kPersons            ? kPersonsSql
                      : query.layout == Layout::kTables         ? kEventsTableSql
                      : !HasColumn(db_, "events", "json_clean") ? kEventsSqlWithoutJsonClean
                                                                : kEventsSql;
    json_clean_column_ = sql == kEventsSql || sql == kEventsSqlWithoutJsonClean
                             ? static_cast<int>(FileSchema(Model::kEvents).fields.size())
                             : -1;
    try {
      stmt_ = Prepare(db_, sql,
                      "embedded store '" + path.string() + "' has no usable " +
                          std::string(ModelName(query.model)) + " tables");
    } catch (const Error&) {
      sqlite3_close(db_);
      throw;
    }
    sqlite3_bind_int64(stmt_, 1, query.interval.start);
    sqlite3_bind_int64(stmt_, 2, query.interval.end);
    if (query.team_id) sqlite3_bind_int64(stmt_, 3, *query.team_id);
    if (query.model != Model::kEvents) return;  // include/exclude_events filter events only
    if (!query.include_events.empty()) {
      include_json_ = nlohmann::json(query.include_events).dump();
      BindText(stmt_, 4, include_json_);
    }
    if (!query.exclude_events.empty()) {
      exclude_json_ = nlohmann::json(query.exclude_events).dump();
      BindText(stmt_, 5, exclude_json_);
    }
  }

  ~EmbeddedReader() override {
    sqlite3_finalize(stmt_);
    sqlite3_close(db_);
  }

  bool Next(RecordBatch& batch) override {
    batch.Clear();
    if (done_) return false;
    while (batch.num_rows() < query_.batch_rows && batch.ByteSize() < query_.batch_bytes) {
      const int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_DONE) {
        done_ = true;
        break;
      }
      if (rc != SQLITE_ROW) throw StoreError(db_, "reading the embedded store");
      const bool json_clean = json_clean_column_ >= 0 && sqlite3_value_int(sqlite3_column_value(
                                                             stmt_, json_clean_column_)) == 1;
      for (size_t i = 0; i < batch.num_columns(); ++i) {
        Column& column = batch.column(i);
        if (column.is_binary()) {
          AppendText(stmt_, static_cast<int>(i), column, json_clean);
        } else {
          AppendInt(stmt_, static_cast<int>(i), column);
        }
      }
    }
    return batch.num_rows() > 0;
  }

 private:
  ExportQuery query_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string include_json_, exclude_json_;
  int json_clean_column_ = -1;  // in the statement's row, when it selects one
  bool done_ = false;
};

}  // namespace

EventStore::EventStore(const std::filesystem::path& path, Mode mode) : path_(path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const bool fresh = !std::filesystem::exists(path);
  db_ = Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  try {
    // Rows are about 1.3 KB: 16 KiB pages take a quarter of the reads (system calls) of the
    // default 4 KiB when an export scans an interval (issue #19's note). Fixed at creation.
    if (fresh) Exec(db_, "PRAGMA page_size=16384;");
    if (mode == Mode::kBulkLoad && fresh) {
      Exec(db_, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
      unjournaled_ = true;
    } else {
      Exec(db_, "PRAGMA journal_mode=WAL;");
      Exec(db_, mode == Mode::kBulkLoad ? "PRAGMA synchronous=OFF;" : "PRAGMA synchronous=NORMAL;");
      Exec(db_, "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384;");
    }
    Exec(db_, kSchemaSql);
    if (!HasColumn(db_, "events", "json_clean")) {
      Exec(db_, "ALTER TABLE events ADD COLUMN json_clean INTEGER");
    }
    Exec(db_, kJsonCleanTriggerSql);
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

EventStore::~EventStore() {
  if (unjournaled_) {
    // Back to the shared mode every other user of the store expects.
    sqlite3_exec(db_, "PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL;", nullptr, nullptr,
                 nullptr);
  }
  sqlite3_close(db_);
}

EventWriter::EventWriter(EventStore& store, size_t rows_per_transaction)
    : store_(store), rows_per_transaction_(rows_per_transaction) {
  const char* sql =
      "INSERT INTO events (uuid, team_id, event, distinct_id, person_id, properties, "
      "person_properties, elements_chain, timestamp, created_at, inserted_at, json_clean) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
  if (sqlite3_prepare_v2(store.db(), sql, -1, &insert_, nullptr) != SQLITE_OK) {
    throw StoreError(store.db(), "preparing insert");
  }
}

EventWriter::~EventWriter() {
  try {
    Flush();
  } catch (const Error& e) {
    // A destructor cannot throw; the caller that cares calls Flush() itself and sees the error.
    fprintf(stderr, "embedded store: rows lost at close: %s\n", e.what());
  }
  sqlite3_finalize(insert_);
}

void EventWriter::Begin() {
  if (in_transaction_) return;
  Exec(store_.db(), "BEGIN");
  in_transaction_ = true;
}

void EventWriter::Insert(const EventRow& row) {
  Begin();
  BindText(insert_, 1, row.uuid);
  sqlite3_bind_int64(insert_, 2, row.team_id);
  BindText(insert_, 3, row.event);
  BindText(insert_, 4, row.distinct_id);
  BindText(insert_, 5, row.person_id);
  BindText(insert_, 6, row.properties);
  BindText(insert_, 7, row.person_properties);
  BindText(insert_, 8, row.elements_chain);
  sqlite3_bind_int64(insert_, 9, row.timestamp);
  sqlite3_bind_int64(insert_, 10, row.created_at);
  sqlite3_bind_int64(insert_, 11, row.inserted_at);
  if (json_.IsClean(row.properties) && json_.IsClean(row.person_properties)) {
    sqlite3_bind_int(insert_, 12, 1);
  } else {
    sqlite3_bind_null(insert_, 12);
  }
  const int rc = sqlite3_step(insert_);
  sqlite3_reset(insert_);
  if (rc != SQLITE_DONE) throw StoreError(store_.db(), "inserting an event");
  if (++pending_ >= rows_per_transaction_) Flush();
}

void EventWriter::Flush() {
  if (!in_transaction_) return;
  pending_ = 0;
  in_transaction_ = false;
  Exec(store_.db(), "COMMIT");
}

EmbeddedSource::EmbeddedSource(std::filesystem::path path) : path_(std::move(path)) {}

std::unique_ptr<BatchReader> EmbeddedSource::Read(const ExportQuery& query) {
  if (query.model == Model::kSessions) return MakeSessionsReader(path_, query);
  return std::make_unique<EmbeddedReader>(path_, query);
}

}  // namespace bx
