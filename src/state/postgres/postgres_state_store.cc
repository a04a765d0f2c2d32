#include "state/postgres/postgres_state_store.h"

#include <climits>

#include "base/error.h"
#include "base/private_files.h"
#include "io/postgres/pg_connection.h"
#include "state/postgres/pg_migrations.h"
#include "state/postgres/pg_pool.h"
#include "state/postgres/pg_rows.h"
#include "state/postgres/pg_statements.h"
#include "state/sql_columns.h"
#include "state/stored_status.h"

namespace bx {

using namespace pg_store;  // NOLINT: the store's own statements and row readers

namespace {

constexpr int64_t kNoCursor = INT64_MAX;
constexpr bool kIdempotent = true;  // safe to run again after a connection broke mid-call
constexpr bool kOnce = false;

}  // namespace

PostgresStateStore::PostgresStateStore(const std::string& conninfo, SecretBox secrets,
                                       PostgresStoreOptions options)
    : pool_(std::make_unique<pg::Pool>(conninfo, options.reconnect_window)),
      secrets_(std::move(secrets)) {
  pool_->Run(kIdempotent, [](Connection& c) { return pg::Migrate(c, pg::StateMigrations()); });
  // The first node's key is the state's key; a node with another one is refused at once.
  const std::string check = pool_->Run(kIdempotent, [&](Connection& c) {
    c.Exec(kInsertKeyCheck, Params().Add(secrets_.KeyCheck()));
    return c.Exec(kGetKeyCheck).Text(0, 0);
  });
  secrets_.VerifyKeyCheck(check);
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

std::map<std::string, Micros> PostgresStateStore::LastCompletedIntervalEnds() {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    Result q = c.Exec(kLastCompletedEnds);
    std::map<std::string, Micros> out;
    for (int i = 0; i < q.rows(); ++i) {
      if (auto end = q.OptionalInt(i, 1)) out[q.Text(i, 0)] = *end;
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

std::vector<std::pair<int64_t, ExportLogLine>> PostgresStateStore::ListExportLogs(
    const std::string& export_id, std::optional<int64_t> before_seq, size_t limit) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    Result q = c.Exec(kListExportLogs, Params()
                                           .Add(export_id)
                                           .Add(before_seq.value_or(kNoCursor))
                                           .Add(static_cast<int64_t>(limit)));
    std::vector<std::pair<int64_t, ExportLogLine>> out;
    for (int i = 0; i < q.rows(); ++i) {
      out.push_back({q.Int(i, 0), ExportLogLine{q.Text(i, 1),
                                                LogLine{q.Int(i, 2), q.Text(i, 3), q.Text(i, 4)}}});
    }
    return out;
  });
}

// --- backfills

StoredBackfill PostgresStateStore::InsertBackfill(const BackfillRecord& b,
                                                  const std::vector<NewRun>& runs,
                                                  std::optional<Micros> plan_cursor) {
  return pool_->Run(kOnce, [&](Connection& c) {
    Tx tx(c);
    c.Exec(kInsertBackfill, Params()
                                .Add(b.id)
                                .Add(b.export_id)
                                .Add(b.start_at)
                                .Add(b.end_at)
                                .Add(std::string(BackfillStatusName(b.status)))
                                .Add(static_cast<int64_t>(b.total_runs))
                                .Add(b.created_at)
                                .Add(b.finished_at)
                                .Add(plan_cursor)
                                .Add(static_cast<int64_t>(runs.size())));
    InsertRuns(c, b.export_id, b.id, runs, b.created_at);
    auto out = GetBackfillOn(c, b.id);
    tx.Commit();
    return *out;
  });
}

std::vector<StoredBackfill> PostgresStateStore::BackfillsToPlan(size_t limit) {
  return pool_->Run(kIdempotent, [&](Connection& c) {
    Result q = c.Exec(kBackfillsToPlan, Params().Add(static_cast<int64_t>(limit)));
    std::vector<StoredBackfill> out;
    for (int i = 0; i < q.rows(); ++i) out.push_back(ReadBackfill(q, i));
    return out;
  });
}

// Safe to run again after a lost answer: the compare-and-set on the cursor lets one through.
std::optional<size_t> PostgresStateStore::AdvanceBackfill(const std::string& id,
                                                          Micros expected_cursor,
                                                          const std::vector<NewRun>& runs,
                                                          std::optional<Micros> next_cursor,
                                                          Micros now) {
  return pool_->Run(kIdempotent, [&](Connection& c) -> std::optional<size_t> {
    Tx tx(c);
    Result q = c.Exec(kAdvanceBackfill, Params()
                                            .Add(id)
                                            .Add(expected_cursor)
                                            .Add(next_cursor)
                                            .Add(static_cast<int64_t>(runs.size())));
    if (q.rows() == 0) return std::nullopt;
    InsertRuns(c, q.Text(0, 0), id, runs, now);
    if (!next_cursor) SettleBackfill(c, id, now);
    tx.Commit();
    return runs.size();
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
                                                           const std::filesystem::path& data_dir,
                                                           const std::filesystem::path& key_file) {
  if (!IsPostgresUrl(url)) {
    throw InvalidArgument("--state",
                          "must be a postgres:// URL, got " + pg::RedactConnectionString(url));
  }
  if (!data_dir.empty()) CreatePrivateDirectory(data_dir, "--data-dir");
  return std::make_unique<PostgresStateStore>(url,
                                              SecretBox::FromEnvironmentOrFile(data_dir, key_file));
}

}  // namespace bx
