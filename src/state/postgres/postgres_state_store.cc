#include "state/postgres/postgres_state_store.h"

#include <climits>

#include "base/error.h"
#include "base/private_files.h"
#include "state/postgres/pg_connection.h"
#include "state/postgres/pg_migrations.h"
#include "state/postgres/pg_pool.h"
#include "state/sql_columns.h"
#include "state/stored_status.h"

namespace bx {
namespace {

using pg::Connection;
using pg::Params;
using pg::Result;
using pg::Sql;

constexpr int64_t kNoCursor = INT64_MAX;
constexpr bool kIdempotent = true;  // safe to run again after a connection broke mid-call
constexpr bool kOnce = false;

// --- statements (each prepared once per connection under its name)
constexpr Sql kInsertExport = {
    "insert_export",
    "INSERT INTO exports(id, config, paused, created_at, last_updated_at, last_paused_at, "
    "next_interval_start, next_due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq"};
constexpr Sql kGetExport = {
    "get_export", "SELECT " BX_EXPORT_COLUMNS " FROM exports WHERE id = $1 AND NOT deleted"};
constexpr Sql kListExports = {"list_exports", "SELECT " BX_EXPORT_COLUMNS
                                              " FROM exports WHERE NOT deleted AND seq < $1 "
                                              "ORDER BY seq DESC LIMIT $2"};
constexpr Sql kUpdateConfig = {
    "update_config",
    "UPDATE exports SET config = $2, last_updated_at = $3 WHERE id = $1 AND NOT deleted"};
constexpr Sql kSetPaused = {
    "set_paused",
    "UPDATE exports SET last_paused_at = CASE WHEN $2 AND NOT paused THEN $3 ELSE "
    "last_paused_at END, paused = $2, last_updated_at = $3 WHERE id = $1 AND NOT deleted"};
constexpr Sql kDeleteExport = {
    "delete_export",
    "UPDATE exports SET deleted = TRUE, last_updated_at = $2 WHERE id = $1 AND NOT deleted"};
constexpr Sql kRunningOfExport = {
    "running_of_export", "SELECT id FROM runs WHERE export_id = $1 AND status = 'Running'"};
constexpr Sql kCancelExportRuns = {
    "cancel_export_runs",
    "UPDATE runs SET status = 'Cancelled', finished_at = $2, ready_at = NULL, "
    "next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, "
    "fencing_token = fencing_token + 1 WHERE export_id = $1 AND status IN ('Starting', "
    "'Running', 'FailedRetryable')"};
constexpr Sql kCancelExportBackfills = {
    "cancel_export_backfills",
    "UPDATE backfills SET status = 'Cancelled', finished_at = $2 WHERE export_id = $1 AND "
    "status = 'Running'"};
constexpr Sql kDueExports = {"due_exports", "SELECT " BX_EXPORT_COLUMNS
                                            " FROM exports WHERE NOT paused AND NOT deleted AND "
                                            "next_due_at <= $1 ORDER BY next_due_at LIMIT $2"};
constexpr Sql kEarliestDue = {
    "earliest_due", "SELECT MIN(next_due_at) FROM exports WHERE NOT paused AND NOT deleted"};
constexpr Sql kMovePositionIf = {"move_position_if",
                                 "UPDATE exports SET next_interval_start = $3, next_due_at = $4 "
                                 "WHERE id = $1 AND next_interval_start = $2 AND NOT deleted"};
constexpr Sql kMovePosition = {"move_position",
                               "UPDATE exports SET next_interval_start = $2, next_due_at = $3 "
                               "WHERE id = $1 AND NOT deleted"};
constexpr Sql kInsertRun = {
    "insert_run",
    "INSERT INTO runs(id, export_id, backfill_id, data_interval_start, data_interval_end, "
    "status, created_at, next_attempt_at, ready_at) "
    "VALUES ($1, $2, $3, $4, $5, 'Starting', $6, $6, $6) ON CONFLICT DO NOTHING"};
constexpr Sql kClaim = {"claim_run", "SELECT " BX_RUN_COLUMNS " FROM bx_claim_run($1, $2, $3, $4)"};
constexpr Sql kHeartbeat = {"heartbeat",
                            "UPDATE runs SET lease_expires_at = $3, ready_at = $3 "
                            "WHERE id = $1 AND fencing_token = $2 AND status = 'Running'"};
constexpr Sql kFinish = {
    "finish_run",
    "UPDATE runs SET status = $3, records_completed = $4, bytes_exported = $5, "
    "latest_error = $6, finished_at = $7, next_attempt_at = $8, ready_at = $8, "
    "lease_owner = NULL, lease_expires_at = NULL, last_attempt_seconds = $9 "
    "WHERE id = $1 AND fencing_token = $2 AND status = 'Running' RETURNING backfill_id"};
constexpr Sql kSettleBackfill = {
    "settle_backfill",
    "UPDATE backfills SET finished_at = $2, status = CASE WHEN EXISTS (SELECT 1 FROM runs "
    "WHERE backfill_id = $1 AND status = 'Failed') THEN 'Failed' ELSE 'Completed' END "
    "WHERE id = $1 AND status = 'Running' AND NOT EXISTS (SELECT 1 FROM runs WHERE "
    "backfill_id = $1 AND status IN ('Starting', 'Running', 'FailedRetryable'))"};
constexpr Sql kRelease = {"release_run",
                          "UPDATE runs SET status = 'Starting', attempts = GREATEST(attempts - 1, "
                          "0), next_attempt_at = $3, ready_at = $3, lease_owner = NULL, "
                          "lease_expires_at = NULL, fencing_token = fencing_token + 1 "
                          "WHERE id = $1 AND fencing_token = $2 AND status = 'Running'"};
constexpr Sql kGetRun = {"get_run", "SELECT " BX_RUN_COLUMNS " FROM runs WHERE id = $1"};
constexpr Sql kListRuns = {"list_runs",
                           "SELECT " BX_RUN_COLUMNS
                           " FROM runs WHERE export_id = $1 AND seq < $2 AND "
                           "($3::text IS NULL OR status = $3) ORDER BY seq DESC LIMIT $4"};
constexpr Sql kRunStatusForUpdate = {"run_status_for_update",
                                     "SELECT status FROM runs WHERE id = $1 FOR UPDATE"};
constexpr Sql kRequeue = {"requeue_run",
                          "UPDATE runs SET status = 'Starting', attempts = 0, latest_error = '', "
                          "finished_at = NULL, next_attempt_at = $2, ready_at = $2 WHERE id = $1"};
constexpr Sql kRecentFinished = {
    "recent_finished",
    "SELECT status FROM runs WHERE export_id = $1 AND status IN ('Completed', 'Failed') "
    "ORDER BY finished_at DESC, seq DESC LIMIT $2"};
constexpr Sql kCountByStatus = {"count_by_status",
                                "SELECT status, COUNT(*) FROM runs GROUP BY status"};
constexpr Sql kCountDue = {"count_due",
                           "SELECT COUNT(*) FROM runs r JOIN exports e ON e.id = r.export_id "
                           "WHERE r.ready_at <= $1 AND NOT e.paused AND NOT e.deleted"};
constexpr Sql kNextDue = {"next_due",
                          "SELECT MIN(r.ready_at) FROM runs r JOIN exports e ON e.id = "
                          "r.export_id WHERE r.ready_at IS NOT NULL AND NOT e.paused AND NOT "
                          "e.deleted"};
constexpr Sql kAppendLog = {
    "append_log", "INSERT INTO run_logs(run_id, at, level, message) VALUES ($1, $2, $3, $4)"};
constexpr Sql kListLogs = {"list_logs",
                           "SELECT seq, at, level, message FROM run_logs WHERE run_id = $1 AND "
                           "seq > $2 ORDER BY seq LIMIT $3"};
constexpr Sql kInsertBackfill = {
    "insert_backfill",
    "INSERT INTO backfills(id, export_id, start_at, end_at, status, total_runs, created_at, "
    "finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
constexpr Sql kGetBackfill = {"get_backfill",
                              "SELECT " BX_BACKFILL_COLUMNS " FROM backfills b WHERE b.id = $1"};
constexpr Sql kListBackfills = {"list_backfills",
                                "SELECT " BX_BACKFILL_COLUMNS
                                " FROM backfills b WHERE b.export_id = $1 AND b.seq < $2 "
                                "ORDER BY b.seq DESC LIMIT $3"};
constexpr Sql kRunningOfBackfill = {
    "running_of_backfill", "SELECT id FROM runs WHERE backfill_id = $1 AND status = 'Running'"};
constexpr Sql kCancelBackfillRuns = {
    "cancel_backfill_runs",
    "UPDATE runs SET status = 'Cancelled', finished_at = $2, ready_at = NULL, "
    "next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, "
    "fencing_token = fencing_token + 1 WHERE backfill_id = $1 AND status IN ('Starting', "
    "'Running', 'FailedRetryable')"};
constexpr Sql kCancelBackfill = {
    "cancel_backfill",
    "UPDATE backfills SET status = 'Cancelled', finished_at = $2 WHERE id = $1 AND "
    "status = 'Running'"};
constexpr Sql kSchemaVersion = {"schema_version",
                                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};

// BEGIN ... COMMIT; rolled back when left without Commit() (an early return or a throw).
class Tx {
 public:
  explicit Tx(Connection& c) : c_(c) { c_.ExecScript("BEGIN"); }
  ~Tx() {
    if (!done_) c_.RollbackIfInTransaction();
  }
  void Commit() {
    c_.ExecScript("COMMIT");
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

StoredRun ReadRun(const Result& q, int i) {
  StoredRun r;
  r.seq = q.Int(i, 0);
  r.run.id = q.Text(i, 1);
  r.run.export_id = q.Text(i, 2);
  r.run.backfill_id = q.OptionalText(i, 3);
  r.run.interval = {q.Int(i, 4), q.Int(i, 5)};
  r.run.status = StoredRunStatus(q.Text(i, 6));
  r.run.attempts = static_cast<uint32_t>(q.Int(i, 7));
  r.run.records_completed = static_cast<uint64_t>(q.Int(i, 8));
  r.run.bytes_exported = static_cast<uint64_t>(q.Int(i, 9));
  r.run.latest_error = q.Text(i, 10);
  r.run.created_at = q.Int(i, 11);
  r.run.started_at = q.OptionalInt(i, 12);
  r.run.finished_at = q.OptionalInt(i, 13);
  r.run.next_attempt_at = q.OptionalInt(i, 14);
  r.fencing_token = static_cast<uint64_t>(q.Int(i, 15));
  r.lease_owner = q.OptionalText(i, 16);
  r.lease_expires_at = q.OptionalInt(i, 17);
  r.run.last_attempt_seconds = q.Double(i, 18);
  return r;
}

std::vector<StoredRun> ReadRuns(const Result& q) {
  std::vector<StoredRun> out;
  for (int i = 0; i < q.rows(); ++i) out.push_back(ReadRun(q, i));
  return out;
}

StoredBackfill ReadBackfill(const Result& q, int i) {
  StoredBackfill b;
  b.seq = q.Int(i, 0);
  b.backfill.id = q.Text(i, 1);
  b.backfill.export_id = q.Text(i, 2);
  b.backfill.start_at = q.Int(i, 3);
  b.backfill.end_at = q.Int(i, 4);
  b.backfill.status = StoredBackfillStatus(q.Text(i, 5));
  b.backfill.total_runs = static_cast<uint64_t>(q.Int(i, 6));
  b.backfill.created_at = q.Int(i, 7);
  b.backfill.finished_at = q.OptionalInt(i, 8);
  b.backfill.finished_runs = static_cast<uint64_t>(q.Int(i, 9));
  return b;
}

std::vector<std::string> Ids(const Result& q) {
  std::vector<std::string> ids;
  for (int i = 0; i < q.rows(); ++i) ids.push_back(q.Text(i, 0));
  return ids;
}

std::vector<StoredExport> ReadExports(const Result& q, const SecretBox& secrets) {
  std::vector<StoredExport> out;
  for (int i = 0; i < q.rows(); ++i) {
    StoredExport e;
    e.seq = q.Int(i, 0);
    e.id = q.Text(i, 1);
    e.config = secrets.OpenSecrets(nlohmann::json::parse(q.Text(i, 2)));
    e.paused = q.Bool(i, 3);
    e.created_at = q.Int(i, 4);
    e.last_updated_at = q.Int(i, 5);
    e.last_paused_at = q.OptionalInt(i, 6);
    e.next_interval_start = q.Int(i, 7);
    e.next_due_at = q.Int(i, 8);
    out.push_back(std::move(e));
  }
  return out;
}

// Inserts runs; returns how many were new (an interval that has its scheduled run is skipped).
size_t InsertRuns(Connection& c, const std::string& export_id,
                  const std::optional<std::string>& backfill, const std::vector<NewRun>& runs,
                  Micros now) {
  size_t created = 0;
  for (const NewRun& r : runs) {
    created += c.Exec(kInsertRun, Params()
                                      .Add(r.id)
                                      .Add(export_id)
                                      .Add(backfill)
                                      .Add(r.interval.start)
                                      .Add(r.interval.end)
                                      .Add(now))
                   .affected();
  }
  return created;
}

void SettleBackfill(Connection& c, const std::string& backfill_id, Micros now) {
  c.Exec(kSettleBackfill, Params().Add(backfill_id).Add(now));
}

std::optional<StoredBackfill> GetBackfillOn(Connection& c, const std::string& id) {
  Result q = c.Exec(kGetBackfill, Params().Add(id));
  if (q.rows() == 0) return std::nullopt;
  return ReadBackfill(q, 0);
}

}  // namespace

PostgresStateStore::PostgresStateStore(const std::string& conninfo, SecretBox secrets,
                                       PostgresStoreOptions options)
    : pool_(std::make_unique<pg::Pool>(conninfo, options.reconnect_window)),
      secrets_(std::move(secrets)) {
  pool_->Run(kIdempotent, [](Connection& c) { return pg::Migrate(c, pg::StateMigrations()); });
}

PostgresStateStore::~PostgresStateStore() = default;

int PostgresStateStore::schema_version() {
  return pool_->Run(kIdempotent, [](Connection& c) {
    return static_cast<int>(c.Exec(kSchemaVersion).Int(0, 0));
  });
}

// --- exports

StoredExport PostgresStateStore::InsertExport(const StoredExport& e) {
  const std::string config = secrets_.SealSecrets(e.config).dump();
  return pool_->Run(kOnce, [&](Connection& c) {
    Result q = c.Exec(kInsertExport, Params()
                                         .Add(e.id)
                                         .Add(config)
                                         .Add(e.paused)
                                         .Add(e.created_at)
                                         .Add(e.last_updated_at)
                                         .Add(e.last_paused_at)
                                         .Add(e.next_interval_start)
                                         .Add(e.next_due_at));
    StoredExport out = e;
    out.seq = q.Int(0, 0);
    return out;
  });
}

std::optional<StoredExport> PostgresStateStore::GetExport(const std::string& id) {
  return pool_->Run(kIdempotent, [&](Connection& c) -> std::optional<StoredExport> {
    auto rows = ReadExports(c.Exec(kGetExport, Params().Add(id)), secrets_);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

std::vector<StoredExport> PostgresStateStore::ListExports(std::optional<int64_t> before_seq,
                                                          size_t limit) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    return ReadExports(
        c.Exec(kListExports,
               Params().Add(before_seq.value_or(kNoCursor)).Add(static_cast<int64_t>(limit))),
        secrets_);
  });
}

bool PostgresStateStore::UpdateExportConfig(const std::string& id, const nlohmann::json& config,
                                            Micros now) {
  const std::string sealed = secrets_.SealSecrets(config).dump();
  return pool_->Run(kIdempotent, [&](Connection& c) {
    return c.Exec(kUpdateConfig, Params().Add(id).Add(sealed).Add(now)).affected() == 1;
  });
}

bool PostgresStateStore::SetPaused(const std::string& id, bool paused, Micros now) {
  return pool_->Run(kOnce, [&](Connection& c) {
    return c.Exec(kSetPaused, Params().Add(id).Add(paused).Add(now)).affected() == 1;
  });
}

std::optional<std::vector<std::string>> PostgresStateStore::DeleteExport(const std::string& id,
                                                                         Micros now) {
  return pool_->Run(kOnce, [&](Connection& c) -> std::optional<std::vector<std::string>> {
    Tx tx(c);
    if (c.Exec(kDeleteExport, Params().Add(id).Add(now)).affected() != 1) return std::nullopt;
    std::vector<std::string> running = Ids(c.Exec(kRunningOfExport, Params().Add(id)));
    c.Exec(kCancelExportRuns, Params().Add(id).Add(now));
    c.Exec(kCancelExportBackfills, Params().Add(id).Add(now));
    tx.Commit();
    return running;
  });
}

// --- schedule

std::vector<StoredExport> PostgresStateStore::DueExports(Micros now, size_t limit) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    return ReadExports(c.Exec(kDueExports, Params().Add(now).Add(static_cast<int64_t>(limit))),
                       secrets_);
  });
}

std::optional<Micros> PostgresStateStore::EarliestDue() {
  return pool_->Run(kIdempotent,
                    [&](Connection& c) { return c.Exec(kEarliestDue).OptionalInt(0, 0); });
}

std::optional<size_t> PostgresStateStore::AdvanceSchedule(const std::string& export_id,
                                                          Micros expected_start,
                                                          const std::vector<NewRun>& runs,
                                                          Micros next_start, Micros next_due,
                                                          Micros now) {
  // Idempotent: after a commit whose answer was lost, the compare-and-set fails (nullopt, as
  // when another node advanced it), and the unique key keeps each interval's run single.
  return pool_->Run(kIdempotent, [&](Connection& c) -> std::optional<size_t> {
    Tx tx(c);
    if (c.Exec(kMovePositionIf,
               Params().Add(export_id).Add(expected_start).Add(next_start).Add(next_due))
            .affected() != 1) {
      return std::nullopt;
    }
    const size_t created = InsertRuns(c, export_id, std::nullopt, runs, now);
    tx.Commit();
    return created;
  });
}

bool PostgresStateStore::SetSchedulePosition(const std::string& export_id, Micros next_start,
                                             Micros next_due) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    return c.Exec(kMovePosition, Params().Add(export_id).Add(next_start).Add(next_due))
               .affected() == 1;
  });
}

// --- runs

std::optional<StoredRun> PostgresStateStore::ClaimRun(const ClaimRequest& request) {
  // Not idempotent: a claim whose answer was lost is simply not worked on; its lease expires
  // and another worker takes the run.
  return pool_->Run(kOnce, [&](Connection& c) -> std::optional<StoredRun> {
    Result q = c.Exec(kClaim, Params()
                                  .Add(request.worker_id)
                                  .Add(request.lease_until)
                                  .Add(request.now)
                                  .Add(static_cast<int64_t>(request.backfill_concurrency)));
    if (q.rows() == 0) return std::nullopt;
    return ReadRun(q, 0);
  });
}

bool PostgresStateStore::Heartbeat(const std::string& run_id, uint64_t token, Micros lease_until) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    return c.Exec(kHeartbeat,
                  Params().Add(run_id).Add(static_cast<int64_t>(token)).Add(lease_until))
               .affected() == 1;
  });
}

bool PostgresStateStore::FinishRun(const std::string& run_id, uint64_t token,
                                   const RunOutcome& outcome) {
  const bool retry = outcome.status == RunStatus::kFailedRetryable;
  const std::optional<Micros> finished_at =
      retry ? std::nullopt : std::optional<Micros>(outcome.finished_at);
  const std::optional<Micros> next_attempt =
      retry ? std::optional<Micros>(outcome.next_attempt_at.value_or(outcome.finished_at))
            : std::nullopt;
  return pool_->Run(kOnce, [&](Connection& c) {
    Tx tx(c);
    Result q = c.Exec(kFinish, Params()
                                   .Add(run_id)
                                   .Add(static_cast<int64_t>(token))
                                   .Add(std::string(RunStatusName(outcome.status)))
                                   .Add(static_cast<int64_t>(outcome.records_completed))
                                   .Add(static_cast<int64_t>(outcome.bytes_exported))
                                   .Add(outcome.latest_error)
                                   .Add(finished_at)
                                   .Add(next_attempt)
                                   .Add(outcome.seconds));
    if (q.rows() == 0) return false;
    if (auto backfill = q.OptionalText(0, 0)) SettleBackfill(c, *backfill, outcome.finished_at);
    tx.Commit();
    return true;
  });
}

bool PostgresStateStore::ReleaseRun(const std::string& run_id, uint64_t token, Micros now) {
  return pool_->Run(kOnce, [&](Connection& c) {
    return c.Exec(kRelease, Params().Add(run_id).Add(static_cast<int64_t>(token)).Add(now))
               .affected() == 1;
  });
}

std::optional<StoredRun> PostgresStateStore::GetRun(const std::string& run_id) {
  return pool_->Run(kIdempotent, [&](Connection& c) -> std::optional<StoredRun> {
    Result q = c.Exec(kGetRun, Params().Add(run_id));
    if (q.rows() == 0) return std::nullopt;
    return ReadRun(q, 0);
  });
}

std::vector<StoredRun> PostgresStateStore::ListRuns(const std::string& export_id,
                                                    std::optional<RunStatus> status,
                                                    std::optional<int64_t> before_seq,
                                                    size_t limit) {
  std::optional<std::string> status_name;
  if (status) status_name = std::string(RunStatusName(*status));
  return pool_->Run(kIdempotent, [&](Connection& c) {
    return ReadRuns(c.Exec(kListRuns, Params()
                                          .Add(export_id)
                                          .Add(before_seq.value_or(kNoCursor))
                                          .Add(status_name)
                                          .Add(static_cast<int64_t>(limit))));
  });
}

RetryResult PostgresStateStore::RetryRun(const std::string& run_id, Micros now) {
  return pool_->Run(kOnce, [&](Connection& c) {
    Tx tx(c);
    Result q = c.Exec(kRunStatusForUpdate, Params().Add(run_id));
    if (q.rows() == 0) return RetryResult::kNotFound;
    const RunStatus status = StoredRunStatus(q.Text(0, 0));
    if (status == RunStatus::kStarting || status == RunStatus::kRunning) {
      return RetryResult::kConflict;
    }
    c.Exec(kRequeue, Params().Add(run_id).Add(now));
    tx.Commit();
    return RetryResult::kRetried;
  });
}

std::vector<RunStatus> PostgresStateStore::RecentFinishedStatuses(const std::string& export_id,
                                                                  size_t limit) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    Result q = c.Exec(kRecentFinished, Params().Add(export_id).Add(static_cast<int64_t>(limit)));
    std::vector<RunStatus> out;
    for (int i = 0; i < q.rows(); ++i) out.push_back(StoredRunStatus(q.Text(i, 0)));
    return out;
  });
}

std::map<RunStatus, uint64_t> PostgresStateStore::CountRunsByStatus() {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    Result q = c.Exec(kCountByStatus);
    std::map<RunStatus, uint64_t> out;
    for (int i = 0; i < q.rows(); ++i) {
      out[StoredRunStatus(q.Text(i, 0))] = static_cast<uint64_t>(q.Int(i, 1));
    }
    return out;
  });
}

uint64_t PostgresStateStore::CountDueRuns(Micros now) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    return static_cast<uint64_t>(c.Exec(kCountDue, Params().Add(now)).Int(0, 0));
  });
}

std::optional<Micros> PostgresStateStore::NextDueRunAt() {
  return pool_->Run(kIdempotent, [&](Connection& c) { return c.Exec(kNextDue).OptionalInt(0, 0); });
}

// --- logs

void PostgresStateStore::AppendLog(const std::string& run_id, const LogLine& line) {
  pool_->Run(kOnce, [&](Connection& c) {
    c.Exec(kAppendLog, Params().Add(run_id).Add(line.at).Add(line.level).Add(line.message));
    return true;
  });
}

std::vector<std::pair<int64_t, LogLine>> PostgresStateStore::ListLogs(
    const std::string& run_id, std::optional<int64_t> after_seq, size_t limit) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    Result q =
        c.Exec(kListLogs,
               Params().Add(run_id).Add(after_seq.value_or(0)).Add(static_cast<int64_t>(limit)));
    std::vector<std::pair<int64_t, LogLine>> out;
    for (int i = 0; i < q.rows(); ++i) {
      out.push_back({q.Int(i, 0), LogLine{q.Int(i, 1), q.Text(i, 2), q.Text(i, 3)}});
    }
    return out;
  });
}

// --- backfills

StoredBackfill PostgresStateStore::InsertBackfill(const BackfillRecord& b,
                                                  const std::vector<NewRun>& runs) {
  return pool_->Run(kOnce, [&](Connection& c) {
    Tx tx(c);
    c.Exec(kInsertBackfill, Params()
                                .Add(b.id)
                                .Add(b.export_id)
                                .Add(b.start_at)
                                .Add(b.end_at)
                                .Add(std::string(BackfillStatusName(b.status)))
                                .Add(static_cast<int64_t>(runs.size()))
                                .Add(b.created_at)
                                .Add(b.finished_at));
    InsertRuns(c, b.export_id, b.id, runs, b.created_at);
    auto out = GetBackfillOn(c, b.id);
    tx.Commit();
    return *out;
  });
}

std::optional<StoredBackfill> PostgresStateStore::GetBackfill(const std::string& id) {
  return pool_->Run(kIdempotent, [&](Connection& c) { return GetBackfillOn(c, id); });
}

std::vector<StoredBackfill> PostgresStateStore::ListBackfills(const std::string& export_id,
                                                              std::optional<int64_t> before_seq,
                                                              size_t limit) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    Result q = c.Exec(kListBackfills, Params()
                                          .Add(export_id)
                                          .Add(before_seq.value_or(kNoCursor))
                                          .Add(static_cast<int64_t>(limit)));
    std::vector<StoredBackfill> out;
    for (int i = 0; i < q.rows(); ++i) out.push_back(ReadBackfill(q, i));
    return out;
  });
}

std::optional<std::vector<std::string>> PostgresStateStore::CancelBackfill(const std::string& id,
                                                                           Micros now) {
  return pool_->Run(kOnce, [&](Connection& c) -> std::optional<std::vector<std::string>> {
    Tx tx(c);
    if (!GetBackfillOn(c, id)) return std::nullopt;
    std::vector<std::string> running = Ids(c.Exec(kRunningOfBackfill, Params().Add(id)));
    c.Exec(kCancelBackfillRuns, Params().Add(id).Add(now));
    c.Exec(kCancelBackfill, Params().Add(id).Add(now));
    tx.Commit();
    return running;
  });
}

bool IsPostgresUrl(const std::string& state) {
  return state.starts_with("postgres://") || state.starts_with("postgresql://");
}

std::unique_ptr<PostgresStateStore> OpenPostgresStateStore(const std::string& url,
                                                           const std::filesystem::path& data_dir) {
  if (!IsPostgresUrl(url)) {
    throw InvalidArgument("--state",
                          "must be a postgres:// URL, got " + pg::RedactConnectionString(url));
  }
  CreatePrivateDirectory(data_dir, "--data-dir");
  return std::make_unique<PostgresStateStore>(url, SecretBox::FromEnvironmentOrFile(data_dir));
}

}  // namespace bx
