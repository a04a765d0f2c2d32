#include "source/embedded/sessions_reader.h"

#include <sqlite3.h>

#include <optional>
#include <string>

#include "source/embedded/store_sql.h"

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

constexpr Micros kBounceSeconds = 10;

struct Session {
  int64_t team_id = 0;
  std::string id, distinct_id;
  Micros start = 0, end = 0, inserted_at = 0;
  int64_t pageviews = 0, autocaptures = 0;
  std::optional<std::string> entry_url, entry_pathname, end_url, end_pathname, utm_source,
      utm_campaign, utm_medium, referring_domain;

  void Begin(sqlite3_stmt* row) {
    *this = Session();
    team_id = sqlite3_column_int64(row, kTeam);
    id = ColumnText(row, kSession);
    distinct_id = ColumnText(row, kDistinctId);
    start = sqlite3_column_int64(row, kTimestamp);
    Add(row);
  }

  // Events come in timestamp order: the first one with a value sets an entry field, the last
  // one with a value an end field.
  void Add(sqlite3_stmt* row) {
    end = sqlite3_column_int64(row, kTimestamp);
    inserted_at =
        std::max(inserted_at, static_cast<Micros>(sqlite3_column_int64(row, kInsertedAt)));
    const std::string_view event = ColumnText(row, kEvent);
    if (event == "$pageview") ++pageviews;
    if (event == "$autocapture") ++autocaptures;
    First(entry_url, row, kUrl);
    First(entry_pathname, row, kPathname);
    Last(end_url, row, kUrl);
    Last(end_pathname, row, kPathname);
    First(utm_source, row, kUtmSource);
    First(utm_campaign, row, kUtmCampaign);
    First(utm_medium, row, kUtmMedium);
    First(referring_domain, row, kReferringDomain);
  }

  static void First(std::optional<std::string>& field, sqlite3_stmt* row, int col) {
    if (!field) Last(field, row, col);
  }
  static void Last(std::optional<std::string>& field, sqlite3_stmt* row, int col) {
    const std::string_view value = ColumnText(row, col);
    if (!value.empty()) field = std::string(value);
  }

  void AppendTo(RecordBatch& batch) const {
    size_t c = 0;
    auto text = [&](const std::optional<std::string>& value) {
      Column& column = batch.column(c++);
      value ? column.AppendString(*value) : column.AppendNull();
    };
    auto number = [&](int64_t value) { batch.column(c++).AppendInt(value); };
    const int64_t duration = (end - start) / kMicrosPerSecond;
    text(id);
    number(team_id);
    text(distinct_id);
    number(start);
    number(end);
    number(duration);
    number(pageviews);
    number(autocaptures);
    text(entry_url);
    text(entry_pathname);
    text(end_url);
    text(end_pathname);
    text(utm_source);
    text(utm_campaign);
    text(utm_medium);
    text(referring_domain);
    batch.column(c++).AppendBool(pageviews <= 1 && autocaptures == 0 && duration < kBounceSeconds);
    number(inserted_at);
  }
};

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
      session_.Begin(stmt_);
      while (Step() && SameSession()) session_.Add(stmt_);
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
    return sqlite3_column_int64(stmt_, kTeam) == session_.team_id &&
           ColumnText(stmt_, kSession) == session_.id;
  }

  ExportQuery query_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Session session_;
  bool row_ready_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<BatchReader> MakeSessionsReader(const std::filesystem::path& store,
                                                const ExportQuery& query) {
  return std::make_unique<SessionsReader>(store, query);
}

}  // namespace bx
