#pragma once
// A BatchExportService in memory for the HTTP layer's tests: exports validated with the real
// ParseExportDefinition, runs and log lines added by the test, every call recorded.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "service/batch_export_service.h"

namespace bx::testing {

class FakeBatchExportService : public BatchExportService {
 public:
  ExportRecord CreateExport(const nlohmann::json& body) override;
  ExportRecord GetExport(const std::string& id) override;
  Page<ExportRecord> ListExports(const ListOptions& options) override;
  ExportRecord UpdateExport(const std::string& id, const nlohmann::json& patch) override;
  void DeleteExport(const std::string& id) override;
  ExportRecord PauseExport(const std::string& id) override;
  ExportRecord UnpauseExport(const std::string& id, bool backfill) override;
  void CheckExport(const std::string& id) override;
  nlohmann::json DestinationTypes() override;
  Page<RunRecord> ListRuns(const std::string& export_id, std::optional<RunStatus> status,
                           const ListOptions& options) override;
  RunRecord GetRun(const std::string& export_id, const std::string& run_id) override;
  RunRecord RetryRun(const std::string& export_id, const std::string& run_id) override;
  Page<LogLine> RunLogs(const std::string& export_id, const std::string& run_id,
                        const ListOptions& options) override;
  Page<ExportLogLine> ExportLogs(const std::string& export_id, const ListOptions& options) override;
  BackfillRecord CreateBackfill(const std::string& export_id, const nlohmann::json& body) override;
  Page<BackfillRecord> ListBackfills(const std::string& export_id,
                                     const ListOptions& options) override;
  BackfillRecord GetBackfill(const std::string& export_id, const std::string& backfill_id) override;
  BackfillRecord CancelBackfill(const std::string& export_id,
                                const std::string& backfill_id) override;
  MetricsSnapshot Metrics() override;

  // Test setup and inspection.
  void AddExportRecord(ExportRecord record);  // no validation: e.g. a config with secrets
  RunRecord& AddRun(RunRecord run);
  void AddLog(const std::string& run_id, LogLine line);
  void FailCheckWith(std::optional<Error> error);
  void SetMetrics(MetricsSnapshot metrics);
  std::vector<std::string> calls() const;  // "CreateExport", "UnpauseExport(backfill)", ...

 private:
  ExportRecord& FindExport(const std::string& id);

  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::vector<ExportRecord> exports_;  // creation order
  std::vector<RunRecord> runs_;
  std::vector<BackfillRecord> backfills_;
  std::map<std::string, std::vector<LogLine>> logs_;
  std::vector<std::pair<std::string, LogLine>> log_order_;  // (run id, line) as added
  std::optional<Error> check_error_;
  MetricsSnapshot metrics_;
  std::vector<std::string> calls_;
};

}  // namespace bx::testing
