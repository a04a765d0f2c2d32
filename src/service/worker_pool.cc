#include "service/worker_pool.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/log.h"

namespace bx {

WorkerPool::WorkerPool(StateStore& store, RunExecutor& executor, std::shared_ptr<Clock> clock,
                       WorkerPoolOptions options, std::string node_id)
    : store_(store),
      executor_(executor),
      clock_(clock),
      options_(options),
      node_id_(std::move(node_id)),
      worker_waker_(clock),
      heartbeat_waker_(clock) {}

void WorkerPool::Start() {
  std::lock_guard lock(lifecycle_mu_);
  if (started_) return;
  started_ = true;
  heartbeat_thread_ = std::thread([this] { HeartbeatLoop(); });
  for (size_t i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this, i] { WorkerLoop(i); });
  }
}

void WorkerPool::Stop() {
  std::lock_guard lock(lifecycle_mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_ = true;
  worker_waker_.Close();
  HandBackAfterGrace();
  for (auto& w : workers_) w.join();
  // Heartbeats stop last: a run finishing its grace period keeps its lease until the end.
  heartbeat_waker_.Close();
  heartbeat_thread_.join();
}

void WorkerPool::WorkerLoop(size_t index) {
  const std::string worker_id = fmt::format("{}-w{}", node_id_, index);
  while (!stopping_) {
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
    Micros next = Now() + options_.idle_tick;
    try {
      if (auto due = store_.NextDueRunAt()) next = std::max(std::min(next, *due), Now() + 1);
    } catch (const Error& e) {
      spdlog::error("worker {}: {}", worker_id, e.Describe());
    }
    worker_waker_.WaitUntil(next);
  }
}

bool WorkerPool::ClaimAndRun(const std::string& worker_id) {
  const Micros now = Now();
  auto claimed =
      store_.ClaimRun({worker_id, now, now + options_.lease, options_.backfill_concurrency});
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
    report = executor_.Execute(*claimed, *control);
  } catch (...) {
    leave();
    throw;
  }
  leave();
  metrics_.Record(claimed->run.export_id, report,
                  report.status == RunStatus::kCancelled &&
                      control->reason.load() == RunControl::Reason::kCancelled);
  worker_waker_.Wake();  // a finished run may unblock another (same interval, backfill slot)
  return true;
}

void WorkerPool::StopRuns(const std::vector<std::string>& run_ids, RunControl::Reason reason) {
  std::lock_guard lock(active_mu_);
  for (const std::string& id : run_ids) {
    if (auto it = active_.find(id); it != active_.end()) it->second.control->Stop(reason);
  }
}

bool WorkerPool::Busy() {
  std::lock_guard lock(busy_mu_);
  return busy_ > 0;
}

void WorkerPool::WaitForProgress(std::chrono::milliseconds timeout) {
  std::unique_lock lock(busy_mu_);
  busy_cv_.wait_for(lock, timeout);
}

// Shutdown: let running runs finish within the grace period, then hand back the rest.
void WorkerPool::HandBackAfterGrace() {
  std::unique_lock lock(active_mu_);
  const auto grace = std::chrono::microseconds(options_.shutdown_grace);
  if (!active_cv_.wait_for(lock, grace, [this] { return active_.empty(); })) {
    spdlog::warn("shutdown: handing back {} running runs", active_.size());
    for (auto& [id, run] : active_) run.control->Stop(RunControl::Reason::kShutdown);
  }
}

void WorkerPool::HeartbeatLoop() {
  while (!heartbeat_waker_.closed()) {
    std::vector<std::pair<std::string, ActiveRun>> runs;
    {
      std::lock_guard lock(active_mu_);
      runs.assign(active_.begin(), active_.end());
    }
    for (auto& [id, run] : runs) {
      try {
        if (!store_.Heartbeat(id, run.token, Now() + options_.lease)) {
          run.control->Stop(RunControl::Reason::kLeaseLost);
        }
      } catch (const Error& e) {
        spdlog::error("heartbeat of run {}: {}", id, e.Describe());
      }
    }
    heartbeat_waker_.WaitUntil(Now() + options_.heartbeat);
  }
}

}  // namespace bx
