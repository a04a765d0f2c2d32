#pragma once
// The running service: a BatchExportService over a StateStore, with a scheduler thread, a pool
// of workers and a heartbeat thread. Start() starts them (store, then scheduler, workers,
// heartbeats); Stop() stops them in reverse order and hands back runs that were cut short, so
// they are retried later and never lost.
//
//   ServiceOptions options;
//   options.data_dir = "./bx";
//   options.source_path = "./data/events.db";
//   std::unique_ptr<Service> service = StartService(options);
//   ... serve HTTP with *service ...
//   service->Stop();  // on SIGTERM; the destructor also stops

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/time.h"
#include "service/batch_export_service.h"

namespace bx {

class Destination;
class Source;
class LeaderElection;
class StateStore;

struct RetryPolicy {
  Micros initial_backoff = 1 * kMicrosPerSecond;  // doubles after each failed attempt
  Micros max_backoff = 300 * kMicrosPerSecond;
  uint32_t max_attempts = 8;  // a run that fails this many times (retryable or not) is Failed
};

struct AutoPausePolicy {
  uint32_t failed_runs = 10;  // pause after this many Failed runs ...
  uint32_t window = 10;       // ... among the export's latest finished runs (0: never pause)
};

struct ServiceOptions {
  std::filesystem::path data_dir;  // state.db, secret key file; created when missing
  // The secret key's file; empty: BATCH_EXPORT_SECRET_KEY, else <data_dir>/secret.key.
  std::filesystem::path secret_key_file;
  // Empty: SQLite in data_dir. A postgres:// URL: the state store shared by several nodes;
  // the scheduler then runs on the node holding the leader lock only.
  std::string state_url;
  bool run_scheduler = true;          // false: workers only (`batch-export worker`)
  std::filesystem::path source_path;  // the embedded event store
  size_t workers = 2;
  std::shared_ptr<Clock> clock;  // null: the system clock
  RetryPolicy retry;
  AutoPausePolicy auto_pause;
  size_t backfill_concurrency = 1;       // runs of one export's backfills in flight at once
  Micros lease = 60 * kMicrosPerSecond;  // a claimed run's lease; heartbeats renew it
  Micros heartbeat = 10 * kMicrosPerSecond;
  Micros scheduler_tick = 1 * kMicrosPerSecond;   // how often the scheduler looks (system clock)
  Micros shutdown_grace = 10 * kMicrosPerSecond;  // Stop() waits this long for running runs
  // CheckExport's total deadline: an unreachable destination fails the check, not the API.
  std::chrono::milliseconds check_deadline{5000};

  // For tests and embedding: used instead of source_path / the registered destinations.
  std::shared_ptr<Source> source;
  std::function<std::unique_ptr<Destination>(const ExportDefinition&)> destination_factory;
  // For tests: used instead of a SQLite store in data_dir.
  std::function<std::unique_ptr<StateStore>()> state_store_factory;
  // For tests: who leads the scheduler (null: always this node, or PostgreSQL's advisory lock
  // with state_url).
  std::function<std::unique_ptr<LeaderElection>()> leader_election_factory;
};

class Service : public BatchExportService {
 public:
  // Opens the state store (throws bx::Error when the data dir or store is unusable).
  explicit Service(ServiceOptions options);
  ~Service() override;  // Stop()s
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void Start();
  // Idempotent; safe from any thread except the service's own.
  void Stop();

  // For tests with a manual clock: runs the scheduler at the clock's time and waits (in real
  // time, at most `timeout`) until no run is due or running. False on timeout.
  bool WaitIdle(std::chrono::milliseconds timeout = std::chrono::seconds(60));

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

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds the service and Start()s it.
std::unique_ptr<Service> StartService(ServiceOptions options);

}  // namespace bx
