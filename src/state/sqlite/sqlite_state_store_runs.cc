// The SQLite store's runs (claims, leases, fencing, outcomes), their log lines and backfills.
#include "state/sqlite/sqlite_state_store.h"

#include <climits>

#include "base/error.h"
#include "state/sql_columns.h"
#include "state/sqlite/sqlite_db.h"
#include "state/sqlite/sqlite_rows.h"
#include "state/stored_status.h"

namespace bx {

using sqlite::kNoCursor;
using sqlite::ReadBackfill;
using sqlite::ReadExport;
using sqlite::ReadRun;
using sqlite::RunningIds;
using sqlite::Statement;
using sqlite::Transaction;

// --- runs

std::optional<StoredRun> SqliteStateStore::GetRunBySeqLocked(int64_t seq) {
  Statement& q = db_->Prepare("SELECT " BX_RUN_COLUMNS " FROM runs WHERE seq = ?1");
  q.Bind(1, seq);
  if (!q.Step()) return std::nullopt;
  StoredRun r = ReadRun(q);
  q.Exec();
  return r;
}

std::optional<StoredRun> SqliteStateStore::ClaimRun(const ClaimRequest& request) {
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  // One statement picks and takes the run: a due queued run, or a Running run whose lease
  // expired; never a second run of an interval that is Running, and at most
  // backfill_concurrency Running backfill runs per export.
  Statement& q = db_->Prepare(
      "UPDATE runs SET status = 'Running', attempts = attempts + 1, lease_owner = ?1, "
      "lease_expires_at = ?2, ready_at = ?2, fencing_token = fencing_token + 1, "
      "started_at = COALESCE(started_at, ?3), next_attempt_at = NULL "
      "WHERE seq = (SELECT r.seq FROM runs r JOIN exports e ON e.id = r.export_id "
      "  WHERE r.ready_at <= ?3 AND e.paused = 0 AND e.deleted = 0 "
      "  AND NOT EXISTS (SELECT 1 FROM runs o WHERE o.export_id = r.export_id "
      "    AND o.data_interval_start = r.data_interval_start "
      "    AND o.data_interval_end = r.data_interval_end AND o.seq <> r.seq "
      "    AND o.status = 'Running' AND o.lease_expires_at > ?3) "
      "  AND (r.backfill_id IS NULL OR (SELECT COUNT(*) FROM runs b "
      "    WHERE b.export_id = r.export_id AND b.status = 'Running' "
      "    AND b.backfill_id IS NOT NULL AND b.lease_expires_at > ?3 AND b.seq <> r.seq) < ?4) "
      "  ORDER BY r.ready_at, r.seq LIMIT 1) "
      "RETURNING seq");
  q.Bind(1, request.worker_id)
      .Bind(2, request.lease_until)
      .Bind(3, request.now)
      .Bind(4, static_cast<int64_t>(request.backfill_concurrency));
  if (!q.Step()) return std::nullopt;
  const int64_t seq = q.Int(0);
  q.Exec();
  auto run = GetRunBySeqLocked(seq);
  tx.Commit();
  return run;
}

bool SqliteStateStore::Heartbeat(const std::string& run_id, uint64_t token, Micros lease_until) {
  std::lock_guard lock(mu_);
  return db_->Prepare(
                "UPDATE runs SET lease_expires_at = ?3, ready_at = ?3 "
                "WHERE id = ?1 AND fencing_token = ?2 AND status = 'Running'")
             .Bind(1, run_id)
             .Bind(2, static_cast<int64_t>(token))
             .Bind(3, lease_until)
             .Exec() == 1;
}

void SqliteStateStore::SettleBackfillLocked(const std::string& backfill_id, Micros now) {
  db_->Prepare(
         "UPDATE backfills SET finished_at = ?2, status = CASE WHEN EXISTS (SELECT 1 FROM runs "
         "WHERE backfill_id = ?1 AND status = 'Failed') THEN 'Failed' ELSE 'Completed' END "
         "WHERE id = ?1 AND status = 'Running' AND plan_cursor IS NULL AND NOT EXISTS (SELECT 1 "
         "FROM runs WHERE backfill_id = ?1 AND status IN ('Starting', 'Running', "
         "'FailedRetryable'))")
      .Bind(1, backfill_id)
      .Bind(2, now)
      .Exec();
}

bool SqliteStateStore::FinishRun(const std::string& run_id, uint64_t token,
                                 const RunOutcome& outcome) {
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  const bool retry = outcome.status == RunStatus::kFailedRetryable;
  Statement& q = db_->Prepare(
      "UPDATE runs SET status = ?3, records_completed = ?4, bytes_exported = ?5, "
      "latest_error = ?6, finished_at = ?7, next_attempt_at = ?8, ready_at = ?8, "
      "lease_owner = NULL, lease_expires_at = NULL, last_attempt_seconds = ?9 "
      "WHERE id = ?1 AND fencing_token = ?2 AND status = 'Running' RETURNING backfill_id");
  q.Bind(1, run_id)
      .Bind(2, static_cast<int64_t>(token))
      .Bind(3, RunStatusName(outcome.status))
      .Bind(4, static_cast<int64_t>(outcome.records_completed))
      .Bind(5, static_cast<int64_t>(outcome.bytes_exported))
      .Bind(6, outcome.latest_error)
      .Bind(7, retry ? std::nullopt : std::optional<Micros>(outcome.finished_at))
      .Bind(8,
            retry ? outcome.next_attempt_at.value_or(outcome.finished_at) : std::optional<Micros>())
      .Bind(9, outcome.seconds);
  if (!q.Step()) return false;
  const std::optional<std::string> backfill = q.OptionalText(0);
  q.Exec();
  if (backfill) SettleBackfillLocked(*backfill, outcome.finished_at);
  tx.Commit();
  return true;
}

bool SqliteStateStore::ReleaseRun(const std::string& run_id, uint64_t token, Micros now) {
  std::lock_guard lock(mu_);
  // The attempt that was cut short does not count against the run's attempts.
  return db_->Prepare(
                "UPDATE runs SET status = 'Starting', attempts = MAX(attempts - 1, 0), "
                "next_attempt_at = ?3, ready_at = ?3, lease_owner = NULL, "
                "lease_expires_at = NULL, fencing_token = fencing_token + 1 "
                "WHERE id = ?1 AND fencing_token = ?2 AND status = 'Running'")
             .Bind(1, run_id)
             .Bind(2, static_cast<int64_t>(token))
             .Bind(3, now)
             .Exec() == 1;
}

std::optional<StoredRun> SqliteStateStore::GetRun(const std::string& run_id) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare("SELECT " BX_RUN_COLUMNS " FROM runs WHERE id = ?1");
  q.Bind(1, run_id);
  if (!q.Step()) return std::nullopt;
  StoredRun r = ReadRun(q);
  q.Exec();
  return r;
}

std::vector<StoredRun> SqliteStateStore::ListRuns(const std::string& export_id,
                                                  std::optional<RunStatus> status,
                                                  std::optional<int64_t> before_seq, size_t limit) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare("SELECT " BX_RUN_COLUMNS
                              " FROM runs WHERE export_id = ?1 AND seq < ?2 AND "
                              "(?3 IS NULL OR status = ?3) ORDER BY seq DESC LIMIT ?4");
  q.Bind(1, export_id).Bind(2, before_seq.value_or(kNoCursor));
  if (status) {
    q.Bind(3, RunStatusName(*status));
  } else {
    q.BindNull(3);
  }
  q.Bind(4, static_cast<int64_t>(limit));
  std::vector<StoredRun> out;
  while (q.Step()) out.push_back(ReadRun(q));
  return out;
}

RetryResult SqliteStateStore::RetryRun(const std::string& run_id, Micros now) {
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  Statement& q = db_->Prepare("SELECT status FROM runs WHERE id = ?1");
  q.Bind(1, run_id);
  if (!q.Step()) return RetryResult::kNotFound;
  const RunStatus status = StoredRunStatus(q.Text(0));
  q.Exec();
  if (status == RunStatus::kStarting || status == RunStatus::kRunning) {
    return RetryResult::kConflict;
  }
  db_->Prepare(
         "UPDATE runs SET status = 'Starting', attempts = 0, latest_error = '', "
         "finished_at = NULL, next_attempt_at = ?2, ready_at = ?2 WHERE id = ?1")
      .Bind(1, run_id)
      .Bind(2, now)
      .Exec();
  tx.Commit();
  return RetryResult::kRetried;
}

std::vector<RunStatus> SqliteStateStore::RecentFinishedStatuses(const std::string& export_id,
                                                                size_t limit) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare(
      "SELECT status FROM runs WHERE export_id = ?1 AND status IN ('Completed', 'Failed') "
      "ORDER BY finished_at DESC, seq DESC LIMIT ?2");
  q.Bind(1, export_id).Bind(2, static_cast<int64_t>(limit));
  std::vector<RunStatus> out;
  while (q.Step()) out.push_back(StoredRunStatus(q.Text(0)));
  return out;
}

std::map<RunStatus, uint64_t> SqliteStateStore::CountRunsByStatus() {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare("SELECT status, COUNT(*) FROM runs GROUP BY status");
  std::map<RunStatus, uint64_t> out;
  while (q.Step()) out[StoredRunStatus(q.Text(0))] = static_cast<uint64_t>(q.Int(1));
  return out;
}

std::map<std::string, Micros> SqliteStateStore::LastCompletedIntervalEnds() {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare(
      "SELECT e.id, (SELECT MAX(r.data_interval_end) FROM runs r WHERE r.export_id = e.id AND "
      "r.status = 'Completed') FROM exports e WHERE e.deleted = 0");
  std::map<std::string, Micros> out;
  while (q.Step()) {
    if (auto end = q.OptionalInt(1)) out[q.Text(0)] = *end;
  }
  return out;
}

uint64_t SqliteStateStore::CountDueRuns(Micros now) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare(
      "SELECT COUNT(*) FROM runs r JOIN exports e ON e.id = r.export_id "
      "WHERE r.ready_at <= ?1 AND e.paused = 0 AND e.deleted = 0");
  q.Bind(1, now);
  q.Step();
  const auto n = static_cast<uint64_t>(q.Int(0));
  q.Exec();
  return n;
}

std::optional<Micros> SqliteStateStore::NextDueRunAt() {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare(
      "SELECT MIN(r.ready_at) FROM runs r JOIN exports e ON e.id = r.export_id "
      "WHERE r.ready_at IS NOT NULL AND e.paused = 0 AND e.deleted = 0");
  q.Step();
  auto out = q.OptionalInt(0);
  q.Exec();
  return out;
}

// --- logs

void SqliteStateStore::AppendLog(const std::string& run_id, const LogLine& line) {
  std::lock_guard lock(mu_);
  db_->Prepare("INSERT INTO run_logs(run_id, at, level, message) VALUES (?1, ?2, ?3, ?4)")
      .Bind(1, run_id)
      .Bind(2, line.at)
      .Bind(3, line.level)
      .Bind(4, line.message)
      .Exec();
}

std::vector<std::pair<int64_t, LogLine>> SqliteStateStore::ListLogs(
    const std::string& run_id, std::optional<int64_t> after_seq, size_t limit) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare(
      "SELECT seq, at, level, message FROM run_logs WHERE run_id = ?1 AND seq > ?2 "
      "ORDER BY seq LIMIT ?3");
  q.Bind(1, run_id).Bind(2, after_seq.value_or(0)).Bind(3, static_cast<int64_t>(limit));
  std::vector<std::pair<int64_t, LogLine>> out;
  while (q.Step()) out.push_back({q.Int(0), LogLine{q.Int(1), q.Text(2), q.Text(3)}});
  return out;
}

std::vector<std::pair<int64_t, ExportLogLine>> SqliteStateStore::ListExportLogs(
    const std::string& export_id, std::optional<int64_t> before_seq, size_t limit) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare(
      "SELECT l.seq, l.run_id, l.at, l.level, l.message FROM run_logs l "
      "JOIN runs r ON r.id = l.run_id WHERE r.export_id = ?1 AND l.seq < ?2 "
      "ORDER BY l.seq DESC LIMIT ?3");
  q.Bind(1, export_id).Bind(2, before_seq.value_or(INT64_MAX)).Bind(3, static_cast<int64_t>(limit));
  std::vector<std::pair<int64_t, ExportLogLine>> out;
  while (q.Step()) {
    out.push_back({q.Int(0), ExportLogLine{q.Text(1), LogLine{q.Int(2), q.Text(3), q.Text(4)}}});
  }
  return out;
}

// --- backfills

StoredBackfill SqliteStateStore::InsertBackfill(const BackfillRecord& b,
                                                const std::vector<NewRun>& runs,
                                                std::optional<Micros> plan_cursor) {
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  db_->Prepare(
         "INSERT INTO backfills(id, export_id, start_at, end_at, status, total_runs, "
         "created_at, finished_at, plan_cursor, created_runs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
         "?7, ?8, ?9, ?10)")
      .Bind(1, b.id)
      .Bind(2, b.export_id)
      .Bind(3, b.start_at)
      .Bind(4, b.end_at)
      .Bind(5, BackfillStatusName(b.status))
      .Bind(6, static_cast<int64_t>(b.total_runs))
      .Bind(7, b.created_at)
      .Bind(8, b.finished_at)
      .Bind(9, plan_cursor)
      .Bind(10, static_cast<int64_t>(runs.size()))
      .Exec();
  InsertRunsLocked(b.export_id, b.id, runs, b.created_at);
  auto out = GetBackfillLocked(b.id);
  tx.Commit();
  return *out;
}

std::vector<StoredBackfill> SqliteStateStore::BackfillsToPlan(size_t limit) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare("SELECT " BX_BACKFILL_COLUMNS
                              " FROM backfills b WHERE b.plan_cursor IS NOT NULL AND "
                              "b.status = 'Running' ORDER BY b.seq LIMIT ?1");
  q.Bind(1, static_cast<int64_t>(limit));
  std::vector<StoredBackfill> out;
  while (q.Step()) out.push_back(ReadBackfill(q));
  return out;
}

std::optional<size_t> SqliteStateStore::AdvanceBackfill(const std::string& id,
                                                        Micros expected_cursor,
                                                        const std::vector<NewRun>& runs,
                                                        std::optional<Micros> next_cursor,
                                                        Micros now) {
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  Statement& q = db_->Prepare(
      "UPDATE backfills SET plan_cursor = ?3, created_runs = created_runs + ?4 WHERE id = ?1 "
      "AND status = 'Running' AND plan_cursor = ?2 RETURNING export_id");
  q.Bind(1, id)
      .Bind(2, expected_cursor)
      .Bind(3, next_cursor)
      .Bind(4, static_cast<int64_t>(runs.size()));
  if (!q.Step()) return std::nullopt;
  const std::string export_id = q.Text(0);
  q.Exec();
  InsertRunsLocked(export_id, id, runs, now);
  if (!next_cursor) SettleBackfillLocked(id, now);
  tx.Commit();
  return runs.size();
}

std::optional<StoredBackfill> SqliteStateStore::GetBackfillLocked(const std::string& id) {
  Statement& q = db_->Prepare("SELECT " BX_BACKFILL_COLUMNS " FROM backfills b WHERE b.id = ?1");
  q.Bind(1, id);
  if (!q.Step()) return std::nullopt;
  StoredBackfill b = ReadBackfill(q);
  q.Exec();
  return b;
}

std::optional<StoredBackfill> SqliteStateStore::GetBackfill(const std::string& id) {
  std::lock_guard lock(mu_);
  return GetBackfillLocked(id);
}

std::vector<StoredBackfill> SqliteStateStore::ListBackfills(const std::string& export_id,
                                                            std::optional<int64_t> before_seq,
                                                            size_t limit) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare("SELECT " BX_BACKFILL_COLUMNS
                              " FROM backfills b WHERE b.export_id = ?1 AND b.seq < ?2 "
                              "ORDER BY b.seq DESC LIMIT ?3");
  q.Bind(1, export_id).Bind(2, before_seq.value_or(kNoCursor)).Bind(3, static_cast<int64_t>(limit));
  std::vector<StoredBackfill> out;
  while (q.Step()) out.push_back(ReadBackfill(q));
  return out;
}

std::optional<std::vector<std::string>> SqliteStateStore::CancelBackfill(const std::string& id,
                                                                         Micros now) {
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  if (!GetBackfillLocked(id)) return std::nullopt;
  std::vector<std::string> running =
      RunningIds(db_->Prepare("SELECT id FROM runs WHERE backfill_id = ?1 AND status = 'Running'")
                     .Bind(1, id));
  db_->Prepare(
         "UPDATE runs SET status = 'Cancelled', finished_at = ?2, ready_at = NULL, "
         "next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, "
         "fencing_token = fencing_token + 1 WHERE backfill_id = ?1 AND status IN ('Starting', "
         "'Running', 'FailedRetryable')")
      .Bind(1, id)
      .Bind(2, now)
      .Exec();
  db_->Prepare(
         "UPDATE backfills SET status = 'Cancelled', finished_at = ?2 WHERE id = ?1 AND "
         "status = 'Running'")
      .Bind(1, id)
      .Bind(2, now)
      .Exec();
  tx.Commit();
  return running;
}

}  // namespace bx
