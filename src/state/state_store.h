#pragma once
// Where the service keeps its state: exports, runs, backfills, run log lines and each export's
// schedule position. One interface, implemented over SQLite (one node) and PostgreSQL (several
// nodes); both pass the conformance suite in state_store_conformance.h.
//
// Runs are claimed with leases: ClaimRun hands a due run to one worker with a lease that expires
// unless Heartbeat renews it, and a fencing token that changes on every claim. Every write about
// a claimed run carries the token, so a worker whose lease was taken over (or whose run was
// cancelled) can no longer change the run: its writes return false.
//
// A scheduled run is unique per (export_id, data_interval_start, data_interval_end).
// Every method is atomic and thread-safe; errors are bx::Error (type "StateStoreError").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "core/intervals.h"
#include "core/records.h"

namespace bx {

struct StoredExport {
  int64_t seq = 0;  // assigned by the store; list order and cursor
  std::string id;
  nlohmann::json config;  // as given, secrets in clear text (the store encrypts them at rest)
  bool paused = false;
  Micros created_at = 0;
  Micros last_updated_at = 0;
  std::optional<Micros> last_paused_at;
  // The schedule position: the start of the first interval no run was created for yet, and
  // when that interval becomes due (its end plus the delay).
  Micros next_interval_start = 0;
  Micros next_due_at = 0;
};

struct StoredRun {
  int64_t seq = 0;
  RunRecord run;
  uint64_t fencing_token = 0;
  std::optional<std::string> lease_owner;
  std::optional<Micros> lease_expires_at;
};

// A backfill's runs are created a window at a time (the service's BackfillFeeder), so any range
// is accepted at once: `plan_cursor` is the start of the first interval no run was created for
// yet, nullopt once every run exists.
struct StoredBackfill {
  int64_t seq = 0;
  BackfillRecord backfill;
  std::optional<Micros> plan_cursor;
  uint64_t created_runs = 0;
};

struct NewRun {
  std::string id;
  Interval interval;
};

struct ClaimRequest {
  std::string worker_id;
  Micros now = 0;
  Micros lease_until = 0;
  size_t backfill_concurrency = 1;  // Running backfill runs per export at most
};

// What a worker reports at the end of an attempt.
struct RunOutcome {
  RunStatus status = RunStatus::kCompleted;  // Completed, Failed or FailedRetryable
  uint64_t records_completed = 0;
  uint64_t bytes_exported = 0;
  std::string latest_error;
  Micros finished_at = 0;
  std::optional<Micros> next_attempt_at;  // FailedRetryable: when to try again
  double seconds = 0;                     // how long the attempt took
};

enum class RetryResult { kRetried, kNotFound, kConflict };

class StateStore {
 public:
  virtual ~StateStore() = default;

  // --- exports (deleted exports are invisible to every read)
  virtual StoredExport InsertExport(const StoredExport& e) = 0;  // returns it with seq
  virtual std::optional<StoredExport> GetExport(const std::string& id) = 0;
  // Newest first; `before_seq` continues a page.
  virtual std::vector<StoredExport> ListExports(std::optional<int64_t> before_seq,
                                                size_t limit) = 0;
  virtual bool UpdateExportConfig(const std::string& id, const nlohmann::json& config,
                                  Micros now) = 0;
  // Pausing records last_paused_at. False when the export does not exist.
  virtual bool SetPaused(const std::string& id, bool paused, Micros now) = 0;
  // Marks the export deleted and cancels its queued and running runs and running backfills.
  // Returns the ids of the runs that were Running (so their workers can be told).
  virtual std::optional<std::vector<std::string>> DeleteExport(const std::string& id,
                                                               Micros now) = 0;

  // --- schedule
  // Unpaused exports with next_due_at <= now, earliest due first.
  virtual std::vector<StoredExport> DueExports(Micros now, size_t limit) = 0;
  // The earliest next_due_at of unpaused exports (for the scheduler's sleep and lag).
  virtual std::optional<Micros> EarliestDue() = 0;
  // Creates scheduled runs (an interval that already has one is skipped) and moves the position
  // from `expected_start` to `next_start` / `next_due`, all at once. Returns how many runs were
  // created, or nullopt when the position was no longer `expected_start` (nothing changed).
  virtual std::optional<size_t> AdvanceSchedule(const std::string& export_id, Micros expected_start,
                                                const std::vector<NewRun>& runs, Micros next_start,
                                                Micros next_due, Micros now) = 0;
  // Moves the position (unpause); false when the export does not exist.
  virtual bool SetSchedulePosition(const std::string& export_id, Micros next_start,
                                   Micros next_due) = 0;

  // --- runs
  virtual std::optional<StoredRun> ClaimRun(const ClaimRequest& request) = 0;
  // Extends the lease; false when the lease is lost (taken over, cancelled, finished).
  virtual bool Heartbeat(const std::string& run_id, uint64_t token, Micros lease_until) = 0;
  // Records the attempt's end; false when the lease is lost (nothing changed).
  virtual bool FinishRun(const std::string& run_id, uint64_t token, const RunOutcome& outcome) = 0;
  // Hands a claimed run back to the queue (shutdown): it is claimable again at `now`.
  virtual bool ReleaseRun(const std::string& run_id, uint64_t token, Micros now) = 0;
  virtual std::optional<StoredRun> GetRun(const std::string& run_id) = 0;
  // Newest first.
  virtual std::vector<StoredRun> ListRuns(const std::string& export_id,
                                          std::optional<RunStatus> status,
                                          std::optional<int64_t> before_seq, size_t limit) = 0;
  // Queues a finished run again (attempts start over). kConflict while Starting or Running.
  virtual RetryResult RetryRun(const std::string& run_id, Micros now) = 0;
  // Statuses of the export's latest finished (Completed or Failed) runs, newest first.
  virtual std::vector<RunStatus> RecentFinishedStatuses(const std::string& export_id,
                                                        size_t limit) = 0;
  virtual std::map<RunStatus, uint64_t> CountRunsByStatus() = 0;
  // Export id -> the latest data_interval_end of its Completed runs, for each export that is not
  // deleted and has one (how far its data is exported, by whichever node).
  virtual std::map<std::string, Micros> LastCompletedIntervalEnds() = 0;
  // Runs a ClaimRun at `now` could take (ignoring the backfill concurrency bound).
  virtual uint64_t CountDueRuns(Micros now) = 0;
  // When the next queued run becomes due, if any is queued.
  virtual std::optional<Micros> NextDueRunAt() = 0;

  // --- run logs (oldest first; `after_seq` continues a page)
  virtual void AppendLog(const std::string& run_id, const LogLine& line) = 0;
  virtual std::vector<std::pair<int64_t, LogLine>> ListLogs(const std::string& run_id,
                                                            std::optional<int64_t> after_seq,
                                                            size_t limit) = 0;
  // The log lines of all of an export's runs, newest first; `before_seq` continues a page.
  virtual std::vector<std::pair<int64_t, ExportLogLine>> ListExportLogs(
      const std::string& export_id, std::optional<int64_t> before_seq, size_t limit) = 0;

  // --- backfills
  // `b.total_runs` is the whole plan's; `runs` its first window, `plan_cursor` where the next
  // window starts (nullopt: `runs` is the whole plan).
  virtual StoredBackfill InsertBackfill(const BackfillRecord& b, const std::vector<NewRun>& runs,
                                        std::optional<Micros> plan_cursor) = 0;
  // Running backfills whose plan has runs left to create, oldest first.
  virtual std::vector<StoredBackfill> BackfillsToPlan(size_t limit) = 0;
  // Creates the next window's runs and moves the cursor from `expected_cursor` to `next_cursor`,
  // all at once. nullopt when the backfill is no longer Running or its cursor moved (nothing
  // changed). A backfill whose plan is complete settles as soon as its last run has finished.
  virtual std::optional<size_t> AdvanceBackfill(const std::string& id, Micros expected_cursor,
                                                const std::vector<NewRun>& runs,
                                                std::optional<Micros> next_cursor, Micros now) = 0;
  // finished_runs and status are current (a backfill completes when its last run finishes).
  virtual std::optional<StoredBackfill> GetBackfill(const std::string& id) = 0;
  virtual std::vector<StoredBackfill> ListBackfills(const std::string& export_id,
                                                    std::optional<int64_t> before_seq,
                                                    size_t limit) = 0;
  // Cancels a Running backfill and its unfinished runs; returns the ids of runs that were
  // Running, or nullopt when the backfill does not exist.
  virtual std::optional<std::vector<std::string>> CancelBackfill(const std::string& id,
                                                                 Micros now) = 0;
};

}  // namespace bx
