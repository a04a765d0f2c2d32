#pragma once
// The StateStore in PostgreSQL, shared by any number of nodes (`--state postgres://...`).
// Prepared statements only; a small connection pool that reconnects after a server restart;
// claims through bx_claim_run (pg_migrations.cc): one round trip, FOR UPDATE SKIP LOCKED,
// serialized by a transaction advisory lock so a run's interval is never Running twice.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "state/secret_box.h"
#include "state/state_store.h"

namespace bx {

namespace pg {
class Pool;
}

struct PostgresStoreOptions {
  // How long a call keeps trying to reach a server that is down before it throws a retryable
  // bx::Error (a restart takes a second or two).
  std::chrono::milliseconds reconnect_window = std::chrono::seconds(15);
};

class PostgresStateStore : public StateStore {
 public:
  // Connects and applies pending migrations. Throws bx::Error.
  PostgresStateStore(const std::string& conninfo, SecretBox secrets,
                     PostgresStoreOptions options = {});
  ~PostgresStateStore() override;

  int schema_version();

  StoredExport InsertExport(const StoredExport& e) override;
  std::optional<StoredExport> GetExport(const std::string& id) override;
  std::vector<StoredExport> ListExports(std::optional<int64_t> before_seq, size_t limit) override;
  bool UpdateExportConfig(const std::string& id, const nlohmann::json& config, Micros now) override;
  bool SetPaused(const std::string& id, bool paused, Micros now) override;
  std::optional<std::vector<std::string>> DeleteExport(const std::string& id, Micros now) override;

  std::vector<StoredExport> DueExports(Micros now, size_t limit) override;
  std::optional<Micros> EarliestDue() override;
  std::optional<size_t> AdvanceSchedule(const std::string& export_id, Micros expected_start,
                                        const std::vector<NewRun>& runs, Micros next_start,
                                        Micros next_due, Micros now) override;
  bool SetSchedulePosition(const std::string& export_id, Micros next_start,
                           Micros next_due) override;

  std::optional<StoredRun> ClaimRun(const ClaimRequest& request) override;
  bool Heartbeat(const std::string& run_id, uint64_t token, Micros lease_until) override;
  bool FinishRun(const std::string& run_id, uint64_t token, const RunOutcome& outcome) override;
  bool ReleaseRun(const std::string& run_id, uint64_t token, Micros now) override;
  std::optional<StoredRun> GetRun(const std::string& run_id) override;
  std::vector<StoredRun> ListRuns(const std::string& export_id, std::optional<RunStatus> status,
                                  std::optional<int64_t> before_seq, size_t limit) override;
  RetryResult RetryRun(const std::string& run_id, Micros now) override;
  std::vector<RunStatus> RecentFinishedStatuses(const std::string& export_id,
                                                size_t limit) override;
  std::map<RunStatus, uint64_t> CountRunsByStatus() override;
  std::map<std::string, Micros> LastCompletedIntervalEnds() override;
  uint64_t CountDueRuns(Micros now) override;
  std::optional<Micros> NextDueRunAt() override;

  void AppendLog(const std::string& run_id, const LogLine& line) override;
  std::vector<std::pair<int64_t, LogLine>> ListLogs(const std::string& run_id,
                                                    std::optional<int64_t> after_seq,
                                                    size_t limit) override;
  std::vector<std::pair<int64_t, ExportLogLine>> ListExportLogs(const std::string& export_id,
                                                                std::optional<int64_t> before_seq,
                                                                size_t limit) override;

  StoredBackfill InsertBackfill(const BackfillRecord& b, const std::vector<NewRun>& runs,
                                std::optional<Micros> plan_cursor) override;
  std::vector<StoredBackfill> BackfillsToPlan(size_t limit) override;
  std::optional<size_t> AdvanceBackfill(const std::string& id, Micros expected_cursor,
                                        const std::vector<NewRun>& runs,
                                        std::optional<Micros> next_cursor, Micros now) override;
  std::optional<StoredBackfill> GetBackfill(const std::string& id) override;
  std::vector<StoredBackfill> ListBackfills(const std::string& export_id,
                                            std::optional<int64_t> before_seq,
                                            size_t limit) override;
  std::optional<std::vector<std::string>> CancelBackfill(const std::string& id,
                                                         Micros now) override;

 private:
  std::unique_ptr<pg::Pool> pool_;
  SecretBox secrets_;
};

// The store at `url` with the secret key of the environment or `data_dir` (every node must
// use the same key: BATCH_EXPORT_SECRET_KEY or a copy of the secret.key file).
std::unique_ptr<PostgresStateStore> OpenPostgresStateStore(
    const std::string& url, const std::filesystem::path& data_dir,
    const std::filesystem::path& key_file = {});

// True for a postgres:// or postgresql:// URL.
bool IsPostgresUrl(const std::string& state);

}  // namespace bx
