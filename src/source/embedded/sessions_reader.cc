#include "source/embedded/sessions_reader.h"

#include <sqlite3.h>

#include "source/embedded/store_sql.h"
#include "source/session_aggregate.h"

namespace bx {
namespace {

using store_sql::ColumnText;
using store_sql::StoreError;

// The sessions of the events ingested in [?1, ?2) (team ?3, NULL: all), and every event of
// them ingested before ?2, in session order, then by timestamp and uuid. The session id
// expression is the one the events_session index holds (event_store.cc), so the join uses it.
constexpr const char* kSessionEventsSql = R"sql(
WITH touched AS (
  SELECT DISTINCT team_id,
         json_extract(CASE WHEN json_valid(properties) THEN properties END, '$."$session_id"')
           AS session_id
  FROM events INDEXED BY events_inserted_at
  WHERE inserted_at >= ?1 AND inserted_at < ?2 AND (?3 IS NULL OR team_id = ?3))
SELECT t.team_id, t.session_id, e.distinct_id, e.timestamp, e.event, e.inserted_at,
       json_extract(e.properties, '$."$current_url"'), json_extract(e.properties, '$."$pathname"'),
       json_extract(e.properties, '$.utm_source'), json_extract(e.properties, '$.utm_campaign'),
       json_extract(e.properties, '$.utm_medium'),
       json_extract(e.properties, '$."$referring_domain"')
FROM touched t JOIN events e
  ON e.team_id = t.team_id
  AND json_extract(CASE WHEN json_valid(e.properties) THEN e.properties END, '$."$session_id"')
      = t.session_id
WHERE t.session_id IS NOT NULL AND t.session_id != '' AND e.inserted_at < ?2
ORDER BY t.team_id, t.session_id, e.timestamp, e.uuid
)sql";

enum Col {
  kTeam,
  kSession,
  kDistinctId,
  kTimestamp,
  kEvent,
  kInsertedAt,
  kUrl,
  kPathname,
  kUtmSource,
  kUtmCampaign,
  kUtmMedium,
  kReferringDomain
};

SessionEvent EventOf(sqlite3_stmt* row) {
  SessionEvent e;
  e.team_id = sqlite3_column_int64(row, kTeam);
  e.session_id = ColumnText(row, kSession);
  e.distinct_id = ColumnText(row, kDistinctId);
  e.timestamp = sqlite3_column_int64(row, kTimestamp);
  e.event = ColumnText(row, kEvent);
  e.inserted_at = sqlite3_column_int64(row, kInsertedAt);
  e.current_url = ColumnText(row, kUrl);
  e.pathname = ColumnText(row, kPathname);
  e.utm_source = ColumnText(row, kUtmSource);
  e.utm_campaign = ColumnText(row, kUtmCampaign);
  e.utm_medium = ColumnText(row, kUtmMedium);
  e.referring_domain = ColumnText(row, kReferringDomain);
  return e;
}

class SessionsReader : public BatchReader {
 public:
  SessionsReader(const std::filesystem::path& path, const ExportQuery& query) : query_(query) {
    db_ = store_sql::OpenForReading(path);
    try {
      stmt_ =
          store_sql::Prepare(db_, kSessionEventsSql,
                             "embedded store '" + path.string() + "' has no usable events table");
    } catch (const Error&) {
      sqlite3_close(db_);
      throw;
    }
    sqlite3_bind_int64(stmt_, 1, query.interval.start);
    sqlite3_bind_int64(stmt_, 2, query.interval.end);
    if (query.team_id) sqlite3_bind_int64(stmt_, 3, *query.team_id);
  }

  ~SessionsReader() override {
    sqlite3_finalize(stmt_);
    sqlite3_close(db_);
  }

  bool Next(RecordBatch& batch) override {
    batch.Clear();
    while (batch.num_rows() < query_.batch_rows && batch.ByteSize() < query_.batch_bytes) {
      if (!row_ready_ && !Step()) break;
      session_.Begin(EventOf(stmt_));
      while (Step() && SameSession()) session_.Add(EventOf(stmt_));
      session_.AppendTo(batch);
    }
    return batch.num_rows() > 0;
  }

 private:
  // Moves to the next event; false at the end. row_ready_ says whether the current row is one
  // not yet taken.
  bool Step() {
    if (done_) return row_ready_ = false;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE) {
      done_ = true;
      return row_ready_ = false;
    }
    if (rc != SQLITE_ROW) throw StoreError(db_, "reading sessions from the embedded store");
    return row_ready_ = true;
  }

  bool SameSession() const {
    return session_.Holds(sqlite3_column_int64(stmt_, kTeam), ColumnText(stmt_, kSession));
  }

  ExportQuery query_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  SessionAggregate session_;
  bool row_ready_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<BatchReader> MakeSessionsReader(const std::filesystem::path& store,
                                                const ExportQuery& query) {
  return std::make_unique<SessionsReader>(store, query);
}

}  // namespace bx
