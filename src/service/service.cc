#include "service/service.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "base/error.h"
#include "base/log.h"
#include "core/secret_fields.h"
#include "service/backfill_plan.h"
#include "service/ids.h"
#include "service/run_executor.h"
#include "service/schedule_planner.h"
#include "sink/all/destinations.h"
#include "source/embedded/event_store.h"
#include "state/leader_election.h"
#include "state/postgres/pg_leader_election.h"
#include "state/postgres/postgres_state_store.h"
#include "state/sqlite/sqlite_state_store.h"

namespace bx {
namespace {

constexpr size_t kMaxPageSize = 1000;
constexpr size_t kSchedulerBatch = 500;      // exports looked at per query
constexpr size_t kIntervalsPerRound = 1000;  // runs created per export per round
constexpr std::array<double, 10> kDurationBounds = {0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600};

Error NotFound(const std::string& what) {
  return Error(ErrorKind::kInvalidArgument, "NotFound", what + " not found");
}

Error Conflict(const std::string& message) {
  return Error(ErrorKind::kInvalidArgument, "Conflict", message);
}

std::optional<int64_t> ParseCursor(const ListOptions& options) {
  if (!options.cursor || options.cursor->empty()) return std::nullopt;
  try {
    size_t used = 0;
    const int64_t seq = std::stoll(*options.cursor, &used);
    if (used == options.cursor->size() && seq > 0) return seq;
  } catch (const std::exception&) {
  }
  throw InvalidArgument("cursor", "is not a cursor this service handed out");
}

size_t PageSize(const ListOptions& options) {
  if (options.limit == 0 || options.limit > kMaxPageSize) {
    throw InvalidArgument("limit", fmt::format("must be from 1 to {}", kMaxPageSize));
  }
  return options.limit;
}

// Fetches one more than asked to know whether a next page exists.
template <typename Stored, typename Record, typename Convert>
Page<Record> MakePage(std::vector<Stored> rows, size_t limit, Convert convert) {
  Page<Record> page;
  if (rows.size() > limit) {
    rows.resize(limit);
    page.next = std::to_string(rows.back().seq);
  }
  for (auto& r : rows) page.results.push_back(convert(r));
  return page;
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
    if (options_.state_store_factory) {
      store_ = options_.state_store_factory();
    } else if (!options_.state_url.empty()) {
      store_ = OpenPostgresStateStore(options_.state_url, options_.data_dir);
    } else {
      store_ = OpenSqliteStateStore(options_.data_dir);
    }
    if (options_.leader_election_factory) {
      leader_ = options_.leader_election_factory();
    } else if (!options_.state_url.empty()) {
      leader_ = std::make_unique<PostgresLeaderElection>(options_.state_url);
    } else {
      leader_ = std::make_unique<AlwaysLeader>();
    }
    if (!options_.source) {
      // A fresh node starts with an empty store that the capture endpoint fills.
      if (options_.source_path.has_parent_path()) {
        std::filesystem::create_directories(options_.source_path.parent_path());
      }
      EventStore create_if_missing(options_.source_path);
    }
    source_ =
        options_.source ? options_.source : std::make_shared<EmbeddedSource>(options_.source_path);
    destinations_ = options_.destination_factory ? options_.destination_factory
                                                 : DestinationFactory(MakeDestination);
    executor_ = std::make_unique<RunExecutor>(*store_, *options_.clock, *source_, destinations_,
                                              options_.retry, options_.auto_pause);
    scheduler_waker_ = std::make_unique<Waker>(options_.clock);
    worker_waker_ = std::make_unique<Waker>(options_.clock);
    heartbeat_waker_ = std::make_unique<Waker>(options_.clock);
    node_id_ = NewUuid().substr(0, 8);
  }

  ~Impl() { Stop(); }

  void Start() {
    std::lock_guard lock(lifecycle_mu_);
    if (started_) return;
    started_ = true;
    // Started in this order, stopped in reverse: heartbeats, workers, scheduler.
    heartbeat_thread_ = std::thread([this] { HeartbeatLoop(); });
    for (size_t i = 0; i < options_.workers; ++i) {
      workers_.emplace_back([this, i] { WorkerLoop(i); });
    }
    if (options_.run_scheduler) scheduler_thread_ = std::thread([this] { SchedulerLoop(); });
    spdlog::info("service started: {} workers{}", options_.workers,
                 options_.run_scheduler ? "" : ", no scheduler");
  }

  void Stop() {
    std::lock_guard lock(lifecycle_mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
    scheduler_waker_->Close();
    if (scheduler_thread_.joinable()) scheduler_thread_.join();

    stopping_workers_ = true;
    worker_waker_->Close();
    WaitForRunsToFinish();
    for (auto& w : workers_) w.join();

    heartbeat_waker_->Close();
    heartbeat_thread_.join();
    spdlog::info("service stopped");
  }

  bool WaitIdle(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      ScheduleRound();
      {
        std::unique_lock lock(busy_mu_);
        if (busy_ == 0 && store_->CountDueRuns(Now()) == 0) return true;
      }
      worker_waker_->Wake();
      std::unique_lock lock(busy_mu_);
      busy_cv_.wait_for(lock, std::chrono::milliseconds(5));
    }
    return false;
  }

  // --- exports

  ExportRecord CreateExport(const nlohmann::json& body) {
    const ExportDefinition def = ParseValidExport(body);
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
    const size_t limit = PageSize(options);
    return MakePage<StoredExport, ExportRecord>(
        store_->ListExports(ParseCursor(options), limit + 1), limit,
        [this](const StoredExport& e) { return ToRecord(e); });
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
    const ExportDefinition old_def = Definition(old);
    const Micros now = Now();
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
    scheduler_waker_->Wake();
    return GetExport(id);
  }

  void DeleteExport(const std::string& id) {
    auto running = store_->DeleteExport(id, Now());
    if (!running) throw NotFound("export " + id);
    StopLocalRuns(*running, RunControl::Reason::kCancelled);
    spdlog::info("export {} deleted; {} running runs stopped", id, running->size());
  }

  ExportRecord PauseExport(const std::string& id) {
    if (!store_->SetPaused(id, true, Now())) throw NotFound("export " + id);
    return GetExport(id);
  }

  ExportRecord UnpauseExport(const std::string& id, bool backfill) {
    StoredExport e = LoadExport(id);
    if (!e.paused) return ToRecord(e);
    const ExportDefinition def = Definition(e);
    const Micros now = Now();
    const Micros resume = FirstNotDue(def, now);
    if (backfill && e.next_interval_start < resume) {
      const Micros end = def.end_at ? std::min(resume, *def.end_at) : resume;
      auto intervals = def.schedule().IntervalsWithin(e.next_interval_start, end);
      if (!intervals.empty()) InsertBackfill(id, e.next_interval_start, end, intervals);
    }
    const Micros position = std::max(e.next_interval_start, resume);
    store_->SetSchedulePosition(id, position, DueAt(def, position));
    store_->SetPaused(id, false, now);
    scheduler_waker_->Wake();
    worker_waker_->Wake();
    return GetExport(id);
  }

  void CheckExport(const std::string& id) {
    const ExportDefinition def = Definition(LoadExport(id));
    try {
      destinations_(def)->Check();
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInvalidArgument) throw;
      throw InvalidArgument("destination", "the check failed: " + e.Describe());
    }
  }

  // --- runs

  Page<RunRecord> ListRuns(const std::string& export_id, std::optional<RunStatus> status,
                           const ListOptions& options) {
    LoadExport(export_id);
    const size_t limit = PageSize(options);
    return MakePage<StoredRun, RunRecord>(
        store_->ListRuns(export_id, status, ParseCursor(options), limit + 1), limit,
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
    worker_waker_->Wake();
    return GetRun(export_id, run_id);
  }

  Page<LogLine> RunLogs(const std::string& export_id, const std::string& run_id,
                        const ListOptions& options) {
    GetRun(export_id, run_id);
    const size_t limit = PageSize(options);
    auto rows = store_->ListLogs(run_id, ParseCursor(options), limit + 1);
    Page<LogLine> page;
    if (rows.size() > limit) {
      rows.resize(limit);
      page.next = std::to_string(rows.back().first);
    }
    for (auto& [seq, line] : rows) page.results.push_back(std::move(line));
    return page;
  }

  // --- backfills

  BackfillRecord CreateBackfill(const std::string& export_id, const nlohmann::json& body) {
    const ExportDefinition def = Definition(LoadExport(export_id));
    const BackfillPlan plan = PlanBackfill(def, body, Now());
    return InsertBackfill(export_id, plan.start, plan.end, plan.intervals);
  }

  Page<BackfillRecord> ListBackfills(const std::string& export_id, const ListOptions& options) {
    LoadExport(export_id);
    const size_t limit = PageSize(options);
    return MakePage<StoredBackfill, BackfillRecord>(
        store_->ListBackfills(export_id, ParseCursor(options), limit + 1), limit,
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
    StopLocalRuns(*running, RunControl::Reason::kCancelled);
    return GetBackfill(export_id, backfill_id);
  }

  MetricsSnapshot Metrics() {
    MetricsSnapshot m;
    const auto counts = store_->CountRunsByStatus();
    for (RunStatus s : {RunStatus::kStarting, RunStatus::kRunning, RunStatus::kCompleted,
                        RunStatus::kFailed, RunStatus::kFailedRetryable, RunStatus::kCancelled}) {
      auto it = counts.find(s);
      m.runs_by_status.emplace_back(std::string(RunStatusName(s)),
                                    it == counts.end() ? 0 : it->second);
    }
    const Micros now = Now();
    m.queue_depth = store_->CountDueRuns(now);
    if (auto due = store_->EarliestDue(); due && *due < now) {
      m.scheduler_lag_seconds = static_cast<double>(now - *due) / kMicrosPerSecond;
    }
    std::lock_guard lock(metrics_mu_);
    m.rows_exported = rows_exported_;
    m.bytes_exported = bytes_exported_;
    m.run_duration_bucket_bounds.assign(kDurationBounds.begin(), kDurationBounds.end());
    m.run_duration_bucket_counts = duration_counts_;
    m.run_duration_sum = duration_sum_;
    return m;
  }

 private:
  Micros Now() const { return options_.clock->Now(); }

  StoredExport LoadExport(const std::string& id) {
    auto e = store_->GetExport(id);
    if (!e) throw NotFound("export " + id);
    return *e;
  }

  static ExportDefinition Definition(const StoredExport& e) {
    nlohmann::json config = e.config;
    config["id"] = e.id;
    ExportDefinition def = ParseValidExport(config);
    def.paused = e.paused;
    return def;
  }

  ExportRecord ToRecord(const StoredExport& e) const {
    ExportRecord r;
    r.id = e.id;
    r.definition = Definition(e);
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
    if (!config.is_object() || !old_config.is_object()) return;
    for (auto it = old_config.begin(); it != old_config.end(); ++it) {
      if (IsSecretField(it.key()) && config.contains(it.key()) && config[it.key()].is_null()) {
        config[it.key()] = it.value();
      }
    }
  }

  BackfillRecord InsertBackfill(const std::string& export_id, Micros start, Micros end,
                                const std::vector<Interval>& intervals) {
    BackfillRecord b;
    b.id = NewUuid();
    b.export_id = export_id;
    b.start_at = start;
    b.end_at = end;
    b.status = BackfillStatus::kRunning;
    b.created_at = Now();
    std::vector<NewRun> runs;
    runs.reserve(intervals.size());
    for (const Interval& i : intervals) runs.push_back({NewUuid(), i});
    StoredBackfill stored = store_->InsertBackfill(b, runs);
    spdlog::info("backfill {} of export {}: {} runs", b.id, export_id, runs.size());
    worker_waker_->Wake();
    return stored.backfill;
  }

  // --- scheduler

  void SchedulerLoop() {
    while (!scheduler_waker_->closed()) {
      Micros next = Now() + options_.scheduler_tick;
      try {
        // Followers only look again next tick: a dead leader is replaced within one.
        if (leader_->IsLeader()) {
          ScheduleRound();
          if (auto due = store_->EarliestDue()) next = std::max(std::min(next, *due), Now() + 1);
        }
      } catch (const Error& e) {
        spdlog::error("scheduler: {}", e.Describe());
      }
      scheduler_waker_->WaitUntil(next);
    }
  }

  // Creates the runs of every interval due by now, exactly once each.
  void ScheduleRound() {
    std::lock_guard lock(schedule_mu_);
    size_t created = 0;
    for (;;) {
      const Micros now = Now();
      const auto due = store_->DueExports(now, kSchedulerBatch);
      size_t progressed = 0;
      for (const StoredExport& e : due) {
        const ExportDefinition def = Definition(e);
        const DuePlan plan = PlanDueIntervals(def, e.next_interval_start, now, kIntervalsPerRound);
        std::vector<NewRun> runs;
        for (const Interval& i : plan.intervals) runs.push_back({NewUuid(), i});
        auto n = store_->AdvanceSchedule(e.id, e.next_interval_start, runs, plan.next_position,
                                         plan.next_due, now);
        if (n) {
          created += *n;
          ++progressed;
        }
      }
      if (due.size() < kSchedulerBatch || progressed == 0) break;
    }
    if (created > 0) worker_waker_->Wake();
  }

  // --- workers

  void WorkerLoop(size_t index) {
    const std::string worker_id = fmt::format("{}-w{}", node_id_, index);
    while (!stopping_workers_) {
      {
        std::lock_guard lock(busy_mu_);
        ++busy_;
      }
      bool worked = false;
      try {
        worked = ClaimAndRun(worker_id);
      } catch (const Error& e) {
        spdlog::error("worker {}: {}", worker_id, e.Describe());
      }
      {
        std::lock_guard lock(busy_mu_);
        --busy_;
      }
      busy_cv_.notify_all();
      if (worked) continue;
      Micros next = Now() + options_.scheduler_tick;
      try {
        if (auto due = store_->NextDueRunAt()) next = std::max(std::min(next, *due), Now() + 1);
      } catch (const Error& e) {
        spdlog::error("worker {}: {}", worker_id, e.Describe());
      }
      worker_waker_->WaitUntil(next);
    }
  }

  bool ClaimAndRun(const std::string& worker_id) {
    const Micros now = Now();
    auto claimed =
        store_->ClaimRun({worker_id, now, now + options_.lease, options_.backfill_concurrency});
    if (!claimed) return false;
    auto control = std::make_shared<RunControl>();
    {
      std::lock_guard lock(active_mu_);
      active_[claimed->run.id] = {control, claimed->fencing_token};
    }
    // Whatever happens, the run leaves active_: heartbeats must stop renewing a lease whose
    // attempt is over (a store error while recording it lets the lease expire: retried).
    auto leave = [this, &claimed] {
      {
        std::lock_guard lock(active_mu_);
        active_.erase(claimed->run.id);
      }
      active_cv_.notify_all();
    };
    AttemptReport report;
    try {
      report = executor_->Execute(*claimed, *control);
    } catch (...) {
      leave();
      throw;
    }
    leave();
    RecordMetrics(report);
    worker_waker_->Wake();  // a finished run may unblock another (same interval, backfill slot)
    return true;
  }

  void RecordMetrics(const AttemptReport& r) {
    if (r.status != RunStatus::kCompleted && r.status != RunStatus::kFailed &&
        r.status != RunStatus::kFailedRetryable) {
      return;
    }
    std::lock_guard lock(metrics_mu_);
    if (duration_counts_.empty()) duration_counts_.assign(kDurationBounds.size() + 1, 0);
    rows_exported_ += r.rows;
    bytes_exported_ += r.bytes;
    duration_sum_ += r.seconds;
    for (size_t i = 0; i < kDurationBounds.size(); ++i) {
      if (r.seconds <= kDurationBounds[i]) ++duration_counts_[i];
    }
    ++duration_counts_.back();
  }

  void StopLocalRuns(const std::vector<std::string>& run_ids, RunControl::Reason reason) {
    std::lock_guard lock(active_mu_);
    for (const std::string& id : run_ids) {
      if (auto it = active_.find(id); it != active_.end()) it->second.control->Stop(reason);
    }
  }

  // Shutdown: let running runs finish within the grace period, then hand back the rest.
  void WaitForRunsToFinish() {
    std::unique_lock lock(active_mu_);
    const auto grace = std::chrono::microseconds(options_.shutdown_grace);
    if (!active_cv_.wait_for(lock, grace, [this] { return active_.empty(); })) {
      spdlog::warn("shutdown: handing back {} running runs", active_.size());
      for (auto& [id, run] : active_) run.control->Stop(RunControl::Reason::kShutdown);
    }
  }

  // --- heartbeats

  void HeartbeatLoop() {
    while (!heartbeat_waker_->closed()) {
      std::vector<std::pair<std::string, ActiveRun>> runs;
      {
        std::lock_guard lock(active_mu_);
        runs.assign(active_.begin(), active_.end());
      }
      for (auto& [id, run] : runs) {
        try {
          if (!store_->Heartbeat(id, run.token, Now() + options_.lease)) {
            run.control->Stop(RunControl::Reason::kLeaseLost);
          }
        } catch (const Error& e) {
          spdlog::error("heartbeat of run {}: {}", id, e.Describe());
        }
      }
      heartbeat_waker_->WaitUntil(Now() + options_.heartbeat);
    }
  }

  struct ActiveRun {
    std::shared_ptr<RunControl> control;
    uint64_t token = 0;
  };

  ServiceOptions options_;
  std::unique_ptr<StateStore> store_;
  std::unique_ptr<LeaderElection> leader_;
  std::shared_ptr<Source> source_;
  DestinationFactory destinations_;
  std::unique_ptr<RunExecutor> executor_;
  std::string node_id_;

  std::unique_ptr<Waker> scheduler_waker_, worker_waker_, heartbeat_waker_;
  std::mutex lifecycle_mu_;
  bool started_ = false, stopped_ = false;
  std::atomic<bool> stopping_workers_{false};
  std::thread scheduler_thread_, heartbeat_thread_;
  std::vector<std::thread> workers_;
  std::mutex schedule_mu_;

  std::mutex busy_mu_;
  std::condition_variable busy_cv_;
  size_t busy_ = 0;

  std::mutex active_mu_;
  std::condition_variable active_cv_;
  std::map<std::string, ActiveRun> active_;

  std::mutex metrics_mu_;
  uint64_t rows_exported_ = 0, bytes_exported_ = 0;
  std::vector<uint64_t> duration_counts_ = std::vector<uint64_t>(kDurationBounds.size() + 1, 0);
  double duration_sum_ = 0;
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
  auto service = std::make_unique<Service>(std::move(options));
  service->Start();
  return service;
}

}  // namespace bx
