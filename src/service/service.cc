#include "service/service.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "base/error.h"
#include "base/log.h"
#include "core/secret_fields.h"
#include "service/backends.h"
#include "service/backfill_plan.h"
#include "service/destination_check.h"
#include "service/ids.h"
#include "service/location_conflicts.h"
#include "service/pages.h"
#include "service/run_executor.h"
#include "service/schedule_planner.h"
#include "service/scheduler.h"
#include "service/service_metrics.h"
#include "service/stored_definition.h"
#include "service/worker_pool.h"
#include "sink/all/destinations.h"

namespace bx {
namespace {

// Checks beyond this wait for none: they are refused (429), so API threads stay free.
constexpr size_t kMaxConcurrentChecks = 4;

Error NotFound(const std::string& what) {
  return Error(ErrorKind::kInvalidArgument, "NotFound", what + " not found");
}

Error Conflict(const std::string& message) {
  return Error(ErrorKind::kInvalidArgument, "Conflict", message);
}

// The stored config: the request's shape without what the service owns (id, paused).
nlohmann::json StoredConfig(nlohmann::json body) {
  for (const char* owned : {"id", "paused", "created_at", "last_updated_at", "last_paused_at"}) {
    body.erase(owned);
  }
  return body;
}

}  // namespace

class Service::Impl {
 public:
  explicit Impl(ServiceOptions options) : options_(std::move(options)) {
    if (!options_.clock) options_.clock = std::make_shared<SystemClock>();
    if (options_.workers == 0) throw InvalidArgument("--workers", "must be at least 1");
    backends_ = OpenBackends(options_);
    store_ = backends_.store.get();
    executor_ =
        std::make_unique<RunExecutor>(*store_, *options_.clock, *backends_.source,
                                      backends_.destinations, options_.retry, options_.auto_pause);
    WorkerPoolOptions pool;
    pool.workers = options_.workers;
    pool.backfill_concurrency = options_.backfill_concurrency;
    pool.lease = options_.lease;
    pool.heartbeat = options_.heartbeat;
    pool.idle_tick = options_.scheduler_tick;
    pool.shutdown_grace = options_.shutdown_grace;
    workers_ = std::make_unique<WorkerPool>(*store_, *executor_, options_.clock, pool,
                                            NewUuid().substr(0, 8));
    scheduler_ = std::make_unique<Scheduler>(*store_, *backends_.leader, options_.clock,
                                             options_.scheduler_tick, [this] { workers_->Wake(); });
  }

  ~Impl() { Stop(); }

  void Start() {
    std::lock_guard lock(lifecycle_mu_);
    if (started_) return;
    started_ = true;
    // Started in this order, stopped in reverse: workers (with their heartbeats), scheduler.
    workers_->Start();
    if (options_.run_scheduler) scheduler_->Start();
    spdlog::info("service started: {} workers{}", options_.workers,
                 options_.run_scheduler ? "" : ", no scheduler");
  }

  void Stop() {
    std::lock_guard lock(lifecycle_mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
    scheduler_->Stop();
    workers_->Stop();
    spdlog::info("service stopped");
  }

  bool WaitIdle(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      scheduler_->Round();
      if (!workers_->Busy() && store_->CountDueRuns(Now()) == 0) return true;
      workers_->Wake();
      workers_->WaitForProgress(std::chrono::milliseconds(5));
    }
    return false;
  }

  // --- exports

  ExportRecord CreateExport(const nlohmann::json& body) {
    const ExportDefinition def = ParseValidExport(body);
    std::lock_guard lock(locations_mu_);  // two creates at once cannot both pass the check
    RefuseOverlappingExports(*store_, def);
    const Micros now = Now();
    StoredExport e;
    e.id = NewUuid();
    e.config = StoredConfig(body);
    e.paused = def.paused;
    e.created_at = e.last_updated_at = now;
    if (def.paused) e.last_paused_at = now;
    e.next_interval_start = InitialPosition(def, now);
    e.next_due_at = DueAt(def, e.next_interval_start);
    e = store_->InsertExport(e);
    spdlog::info("export {} created ({}, {})", e.id, def.name, IntervalKindName(def.interval));
    return ToRecord(e);
  }

  ExportRecord GetExport(const std::string& id) { return ToRecord(LoadExport(id)); }

  Page<ExportRecord> ListExports(const ListOptions& options) {
    return ListExportsPage(*store_, options, [this](const StoredExport& e) { return ToRecord(e); });
  }

  ExportRecord UpdateExport(const std::string& id, const nlohmann::json& patch) {
    if (!patch.is_object()) throw InvalidArgument("body", "must be a JSON object");
    StoredExport old = LoadExport(id);
    nlohmann::json merged = old.config;
    nlohmann::json changes = patch;
    changes.erase("id");
    // A secret sent back as the API rendered it ({"set": true}) keeps its stored value.
    ForEachSecret(changes, [](nlohmann::json& v) {
      if (v.is_object() && v.contains("set")) v = nlohmann::json::object();
    });
    merged.merge_patch(changes);
    ForEachSecret(merged, [](nlohmann::json& v) {
      if (v.is_object() && v.empty()) v = nullptr;
    });
    RestoreKeptSecrets(old.config, merged);
    std::optional<bool> paused;
    if (merged.contains("paused") && merged["paused"].is_boolean()) paused = merged["paused"];
    merged = StoredConfig(std::move(merged));
    const ExportDefinition def = ParseValidExport(merged);
    const ExportDefinition old_def = StoredDefinition(old);
    const Micros now = Now();
    std::lock_guard lock(locations_mu_);  // the check and the write it allows
    RefuseOverlappingExports(*store_, def, old);
    if (!store_->UpdateExportConfig(id, StoredConfig(merged), now)) throw NotFound("export " + id);
    // A new grid or new bounds: continue from the first boundary of the new grid not yet done.
    if (def.schedule().NominalLength() != old_def.schedule().NominalLength() ||
        def.timezone != old_def.timezone || def.interval_offset != old_def.interval_offset ||
        def.start_at != old_def.start_at || def.end_at != old_def.end_at) {
      Micros position = AlignUp(def.schedule(), old.next_interval_start);
      if (def.start_at) position = std::max(position, AlignUp(def.schedule(), *def.start_at));
      store_->SetSchedulePosition(id, position, DueAt(def, position));
    }
    if (paused && *paused != old.paused) {
      if (*paused) return PauseExport(id);
      return UnpauseExport(id, false);
    }
    scheduler_->Wake();
    return GetExport(id);
  }

  void DeleteExport(const std::string& id) {
    auto running = store_->DeleteExport(id, Now());
    if (!running) throw NotFound("export " + id);
    workers_->StopRuns(*running, RunControl::Reason::kCancelled);
    spdlog::info("export {} deleted; {} running runs stopped", id, running->size());
  }

  ExportRecord PauseExport(const std::string& id) {
    if (!store_->SetPaused(id, true, Now())) throw NotFound("export " + id);
    return GetExport(id);
  }

  ExportRecord UnpauseExport(const std::string& id, bool backfill) {
    StoredExport e = LoadExport(id);
    if (!e.paused) return ToRecord(e);
    const ExportDefinition def = StoredDefinition(e);
    const Micros now = Now();
    const Micros resume = FirstNotDue(def, now);
    if (backfill && e.next_interval_start < resume) {
      BackfillPlan plan;
      plan.start = e.next_interval_start;
      plan.end = plan.plan_end = def.end_at ? std::min(resume, *def.end_at) : resume;
      plan.total_runs = def.schedule().CountIntervalsWithin(plan.start, plan.plan_end);
      if (plan.total_runs > 0) InsertBackfill(id, def.schedule(), plan);
    }
    const Micros position = std::max(e.next_interval_start, resume);
    store_->SetSchedulePosition(id, position, DueAt(def, position));
    store_->SetPaused(id, false, now);
    scheduler_->Wake();
    workers_->Wake();
    return GetExport(id);
  }

  void CheckExport(const std::string& id) {
    const ExportDefinition def = StoredDefinition(LoadExport(id));
    try {
      checker_.Run(backends_.destinations(def));
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInvalidArgument || e.type() == "TooManyRequests") throw;
      // The destination refused or did not answer: not a retryable condition of this call.
      throw Error(ErrorKind::kNonRetryable, e.type(), "the check failed: " + e.message());
    }
  }

  // --- runs

  Page<RunRecord> ListRuns(const std::string& export_id, std::optional<RunStatus> status,
                           const ListOptions& options) {
    LoadExport(export_id);
    return KeysetPage<StoredRun, RunRecord>(
        options, true,
        [&](auto before, size_t n) { return store_->ListRuns(export_id, status, before, n); },
        [](const StoredRun& r) { return r.run; });
  }

  RunRecord GetRun(const std::string& export_id, const std::string& run_id) {
    LoadExport(export_id);
    auto run = store_->GetRun(run_id);
    if (!run || run->run.export_id != export_id) throw NotFound("run " + run_id);
    return run->run;
  }

  RunRecord RetryRun(const std::string& export_id, const std::string& run_id) {
    GetRun(export_id, run_id);
    switch (store_->RetryRun(run_id, Now())) {
      case RetryResult::kNotFound:
        throw NotFound("run " + run_id);
      case RetryResult::kConflict:
        throw Conflict("run " + run_id + " is queued or running; retry it once it has finished");
      case RetryResult::kRetried:
        break;
    }
    store_->AppendLog(run_id, LogLine{Now(), "info", "Retry requested"});
    workers_->Wake();
    return GetRun(export_id, run_id);
  }

  Page<LogLine> RunLogs(const std::string& export_id, const std::string& run_id,
                        const ListOptions& options) {
    GetRun(export_id, run_id);
    using Row = std::pair<int64_t, LogLine>;
    return KeysetPage<Row, LogLine>(
        options, false, [&](auto after, size_t n) { return store_->ListLogs(run_id, after, n); },
        [](const Row& row) { return row.second; });
  }

  Page<ExportLogLine> ExportLogs(const std::string& export_id, const ListOptions& options) {
    LoadExport(export_id);
    using Row = std::pair<int64_t, ExportLogLine>;
    return KeysetPage<Row, ExportLogLine>(
        options, true,
        [&](auto before, size_t n) { return store_->ListExportLogs(export_id, before, n); },
        [](const Row& row) { return row.second; });
  }

  // --- backfills

  BackfillRecord CreateBackfill(const std::string& export_id, const nlohmann::json& body) {
    const ExportDefinition def = StoredDefinition(LoadExport(export_id));
    const BackfillPlan plan = PlanBackfill(def, body, Now());
    RefuseOverlappingBackfill(*store_, export_id, plan.start, plan.end);
    return InsertBackfill(export_id, def.schedule(), plan);
  }

  Page<BackfillRecord> ListBackfills(const std::string& export_id, const ListOptions& options) {
    LoadExport(export_id);
    return KeysetPage<StoredBackfill, BackfillRecord>(
        options, true,
        [&](auto before, size_t n) { return store_->ListBackfills(export_id, before, n); },
        [](const StoredBackfill& b) { return b.backfill; });
  }

  BackfillRecord GetBackfill(const std::string& export_id, const std::string& backfill_id) {
    LoadExport(export_id);
    auto b = store_->GetBackfill(backfill_id);
    if (!b || b->backfill.export_id != export_id) throw NotFound("backfill " + backfill_id);
    return b->backfill;
  }

  BackfillRecord CancelBackfill(const std::string& export_id, const std::string& backfill_id) {
    GetBackfill(export_id, backfill_id);
    auto running = store_->CancelBackfill(backfill_id, Now());
    if (!running) throw NotFound("backfill " + backfill_id);
    workers_->StopRuns(*running, RunControl::Reason::kCancelled);
    return GetBackfill(export_id, backfill_id);
  }

  MetricsSnapshot Metrics() { return CollectMetrics(*store_, *workers_, Now()); }

 private:
  Micros Now() const { return options_.clock->Now(); }

  StoredExport LoadExport(const std::string& id) {
    auto e = store_->GetExport(id);
    if (!e) throw NotFound("export " + id);
    return *e;
  }

  ExportRecord ToRecord(const StoredExport& e) const {
    ExportRecord r;
    r.id = e.id;
    r.definition = StoredDefinition(e);
    r.config = e.config;
    r.config["id"] = e.id;
    r.config["paused"] = e.paused;
    r.created_at = e.created_at;
    r.last_updated_at = e.last_updated_at;
    r.last_paused_at = e.last_paused_at;
    return r;
  }

  // merge_patch drops keys set to null; a secret absent from the patch is still in `merged`.
  static void RestoreKeptSecrets(const nlohmann::json& old, nlohmann::json& merged) {
    if (!old.contains("destination") || !merged.contains("destination")) return;
    const auto& old_config = old["destination"].value("config", nlohmann::json::object());
    auto& config = merged["destination"]["config"];
    RestoreKeptSecretsIn(old_config, config);
  }

  // At any depth: a secret of a nested object (Redshift's copy_inputs, Snowflake's stage).
  static void RestoreKeptSecretsIn(const nlohmann::json& old, nlohmann::json& merged) {
    if (!old.is_object() || !merged.is_object()) return;
    for (auto it = old.begin(); it != old.end(); ++it) {
      if (!merged.contains(it.key())) continue;
      nlohmann::json& now = merged[it.key()];
      if (IsSecretField(it.key())) {
        if (now.is_null()) now = it.value();
      } else {
        RestoreKeptSecretsIn(it.value(), now);
      }
    }
  }

  // Stores the backfill with its first window of runs; the scheduler creates the others.
  BackfillRecord InsertBackfill(const std::string& export_id, const Schedule& schedule,
                                const BackfillPlan& plan) {
    BackfillRecord b;
    b.id = NewUuid();
    b.export_id = export_id;
    b.start_at = plan.start;
    b.end_at = plan.end;
    b.status = BackfillStatus::kRunning;
    b.total_runs = plan.total_runs;
    b.created_at = Now();
    const BackfillWindow window =
        NextBackfillWindow(schedule, plan.start, plan.plan_end, kBackfillWindow);
    std::vector<NewRun> runs;
    runs.reserve(window.intervals.size());
    for (const Interval& i : window.intervals) runs.push_back({NewUuid(), i});
    StoredBackfill stored = store_->InsertBackfill(b, runs, window.next_cursor);
    spdlog::info("backfill {} of export {}: {} runs", b.id, export_id, b.total_runs);
    workers_->Wake();
    return stored.backfill;
  }

  ServiceOptions options_;
  Backends backends_;
  StateStore* store_ = nullptr;  // backends_.store
  std::unique_ptr<RunExecutor> executor_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<Scheduler> scheduler_;
  DestinationChecker checker_{options_.check_deadline, kMaxConcurrentChecks};
  std::mutex lifecycle_mu_;
  std::mutex locations_mu_;  // a location check and the write it allows (location_conflicts.h)
  bool started_ = false, stopped_ = false;
};

Service::Service(ServiceOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Service::~Service() { Stop(); }
void Service::Start() { impl_->Start(); }
void Service::Stop() { impl_->Stop(); }
bool Service::WaitIdle(std::chrono::milliseconds timeout) { return impl_->WaitIdle(timeout); }

ExportRecord Service::CreateExport(const nlohmann::json& body) { return impl_->CreateExport(body); }
ExportRecord Service::GetExport(const std::string& id) { return impl_->GetExport(id); }
Page<ExportRecord> Service::ListExports(const ListOptions& options) {
  return impl_->ListExports(options);
}
ExportRecord Service::UpdateExport(const std::string& id, const nlohmann::json& patch) {
  return impl_->UpdateExport(id, patch);
}
void Service::DeleteExport(const std::string& id) { impl_->DeleteExport(id); }
ExportRecord Service::PauseExport(const std::string& id) { return impl_->PauseExport(id); }
ExportRecord Service::UnpauseExport(const std::string& id, bool backfill) {
  return impl_->UnpauseExport(id, backfill);
}
void Service::CheckExport(const std::string& id) { impl_->CheckExport(id); }
nlohmann::json Service::DestinationTypes() { return Destinations().DescriptionsJson(); }
Page<RunRecord> Service::ListRuns(const std::string& export_id, std::optional<RunStatus> status,
                                  const ListOptions& options) {
  return impl_->ListRuns(export_id, status, options);
}
RunRecord Service::GetRun(const std::string& export_id, const std::string& run_id) {
  return impl_->GetRun(export_id, run_id);
}
RunRecord Service::RetryRun(const std::string& export_id, const std::string& run_id) {
  return impl_->RetryRun(export_id, run_id);
}
Page<LogLine> Service::RunLogs(const std::string& export_id, const std::string& run_id,
                               const ListOptions& options) {
  return impl_->RunLogs(export_id, run_id, options);
}
Page<ExportLogLine> Service::ExportLogs(const std::string& export_id, const ListOptions& options) {
  return impl_->ExportLogs(export_id, options);
}
BackfillRecord Service::CreateBackfill(const std::string& export_id, const nlohmann::json& body) {
  return impl_->CreateBackfill(export_id, body);
}
Page<BackfillRecord> Service::ListBackfills(const std::string& export_id,
                                            const ListOptions& options) {
  return impl_->ListBackfills(export_id, options);
}
BackfillRecord Service::GetBackfill(const std::string& export_id, const std::string& backfill_id) {
  return impl_->GetBackfill(export_id, backfill_id);
}
BackfillRecord Service::CancelBackfill(const std::string& export_id,
                                       const std::string& backfill_id) {
  return impl_->CancelBackfill(export_id, backfill_id);
}
MetricsSnapshot Service::Metrics() { return impl_->Metrics(); }

std::unique_ptr<Service> StartService(ServiceOptions options) {
  // spdlog creates its registry on first use: before the workers, which log from their threads
  // (a process whose first log line came from Start raced with them).
  spdlog::default_logger_raw();
  auto service = std::make_unique<Service>(std::move(options));
  service->Start();
  return service;
}

}  // namespace bx
