#pragma once
// The StateStore in one SQLite file (WAL): the default for a single node. One connection
// behind a mutex; every method is one transaction; claims are single UPDATE statements, so
// several processes on the same file also claim each run once.

#include <filesystem>
#include <memory>
#include <mutex>

#include "state/secret_box.h"
#include "state/state_store.h"

namespace bx {

namespace sqlite {
class Db;
}

class SqliteStateStore : public StateStore {
 public:
  // Creates the file and applies pending migrations. Throws bx::Error.
  SqliteStateStore(const std::filesystem::path& path, SecretBox secrets);
  ~SqliteStateStore() override;

  // The schema version after migrations (for tests and `serve` start-up logs).
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
  std::optional<StoredExport> GetExportLocked(const std::string& id);
  std::optional<StoredRun> GetRunBySeqLocked(int64_t seq);
  std::optional<StoredBackfill> GetBackfillLocked(const std::string& id);
  void InsertRunsLocked(const std::string& export_id, const std::optional<std::string>& backfill,
                        const std::vector<NewRun>& runs, Micros now);
  void SettleBackfillLocked(const std::string& backfill_id, Micros now);

  std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;
  SecretBox secrets_;
};

// The store under <data_dir>/state.db with the secret key of the environment or data dir.
std::unique_ptr<SqliteStateStore> OpenSqliteStateStore(const std::filesystem::path& data_dir,
                                                       const std::filesystem::path& key_file = {});

}  // namespace bx
