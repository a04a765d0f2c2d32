#pragma once
// The service's one front door: everything the REST API, the CLI client and the web UI do goes
// through this interface; the HTTP layer only translates JSON and status codes. Implemented by
// the service (scheduler, workers, backfills over a StateStore).
//
// Errors: bx::Error with kind kInvalidArgument and type "InvalidArgument" (400; the message
// starts with the field name, e.g. "destination.config.path: is required"), type "NotFound"
// (404), type "Conflict" (409, e.g. retrying a run that is still running); anything else is 500.
// Secret fields (aws_secret_access_key, password, private_key, ...) never leave this interface:
// ToJson() renders them as {"set": true} / {"set": false}.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "core/export_definition.h"
#include "core/records.h"

namespace bx {

// Observations of a duration: counts[i] of them were <= bounds[i] and above bounds[i - 1]; the
// last count (one more than the bounds) is for those above every bound.
struct SecondsHistogram {
  std::vector<double> bounds;  // seconds, ascending
  std::vector<uint64_t> counts;
  double sum = 0;
};

// One export's series on /metrics. The counters are this process's (the attempts its workers
// ran); last_success_interval_end is from the state store, so every node reports the same.
struct ExportMetrics {
  std::string export_id, export_name;
  uint64_t runs_completed = 0, runs_failed = 0, runs_cancelled = 0;  // runs ended here
  uint64_t attempts = 0;  // attempts whose end was recorded (Completed, Failed, FailedRetryable)
  uint64_t retries = 0;   // attempts that failed and queued the run again (FailedRetryable)
  uint64_t rows_exported = 0, bytes_exported = 0;           // by Completed attempts
  std::map<std::string, SecondsHistogram> attempt_seconds;  // by the attempt's status name
  std::optional<Micros> last_success_interval_end;  // the latest Completed run's interval end
};

struct MetricsSnapshot {
  std::vector<std::pair<std::string, uint64_t>> runs_by_status;  // status name -> count
  uint64_t queue_depth = 0;                                      // runs waiting to be claimed
  double scheduler_lag_seconds = 0;    // how far the scheduler is behind ended intervals
  std::vector<ExportMetrics> exports;  // every export that is not deleted
};

class BatchExportService {
 public:
  virtual ~BatchExportService() = default;

  // body: the API shape {"name", "model", "interval", "destination": {"type", "config"}, ...}.
  virtual ExportRecord CreateExport(const nlohmann::json& body) = 0;
  virtual ExportRecord GetExport(const std::string& id) = 0;
  // Newest first; options.team_id: that team's only; with the count of the (filtered) list.
  virtual Page<ExportRecord> ListExports(const ListOptions& options) = 0;
  // JSON merge patch over the stored definition; a secret field left out keeps its value.
  virtual ExportRecord UpdateExport(const std::string& id, const nlohmann::json& patch) = 0;
  // Stops the export's queued and running runs.
  virtual void DeleteExport(const std::string& id) = 0;
  virtual ExportRecord PauseExport(const std::string& id) = 0;
  // backfill: also backfill the span the export was paused for.
  virtual ExportRecord UnpauseExport(const std::string& id, bool backfill) = 0;
  // Tests credentials and write access; throws with what is wrong.
  virtual void CheckExport(const std::string& id) = 0;
  // The destination types an export may have, with their config fields:
  // {"types": [{"type", "label", "description", "summary", "fields": [...]}]} (sink/
  // config_description.h has the shape). What the web UI builds its forms from.
  virtual nlohmann::json DestinationTypes() = 0;

  virtual Page<RunRecord> ListRuns(const std::string& export_id, std::optional<RunStatus> status,
                                   const ListOptions& options) = 0;
  virtual RunRecord GetRun(const std::string& export_id, const std::string& run_id) = 0;
  virtual RunRecord RetryRun(const std::string& export_id, const std::string& run_id) = 0;
  virtual Page<LogLine> RunLogs(const std::string& export_id, const std::string& run_id,
                                const ListOptions& options) = 0;
  // The log lines of all the export's runs, newest first.
  virtual Page<ExportLogLine> ExportLogs(const std::string& export_id,
                                         const ListOptions& options) = 0;

  // body: {"start_at", "end_at"} (ISO 8601; date-only for day and week exports).
  virtual BackfillRecord CreateBackfill(const std::string& export_id,
                                        const nlohmann::json& body) = 0;
  virtual Page<BackfillRecord> ListBackfills(const std::string& export_id,
                                             const ListOptions& options) = 0;
  virtual BackfillRecord GetBackfill(const std::string& export_id,
                                     const std::string& backfill_id) = 0;
  virtual BackfillRecord CancelBackfill(const std::string& export_id,
                                        const std::string& backfill_id) = 0;

  virtual MetricsSnapshot Metrics() = 0;
};

// The API's JSON for each resource. ToJson(ExportRecord) renders secret fields as
// {"set": true|false}, never their values.
nlohmann::json ToJson(const ExportRecord& r);
nlohmann::json ToJson(const RunRecord& r);
nlohmann::json ToJson(const BackfillRecord& r);
nlohmann::json ToJson(const LogLine& l);
nlohmann::json ToJson(const ExportLogLine& l);

}  // namespace bx
