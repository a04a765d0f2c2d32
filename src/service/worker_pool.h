#pragma once
// The workers of one node: each claims the oldest due run under a lease, runs one attempt
// (RunExecutor) and goes back for the next; a heartbeat thread renews the leases of the runs in
// progress and stops a run whose lease another worker took over. Stop() lets running runs
// finish within a grace period and hands the rest back, so they are retried, never lost.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "service/run_executor.h"
#include "service/run_metrics.h"
#include "state/state_store.h"

namespace bx {

struct WorkerPoolOptions {
  size_t workers = 2;
  size_t backfill_concurrency = 1;
  Micros lease = 60 * kMicrosPerSecond;
  Micros heartbeat = 10 * kMicrosPerSecond;
  Micros idle_tick = 1 * kMicrosPerSecond;  // an idle worker looks again at least this often
  Micros shutdown_grace = 10 * kMicrosPerSecond;
};

class WorkerPool {
 public:
  WorkerPool(StateStore& store, RunExecutor& executor, std::shared_ptr<Clock> clock,
             WorkerPoolOptions options, std::string node_id);
  ~WorkerPool() { Stop(); }

  void Start();
  void Stop();  // idempotent
  void Wake() { worker_waker_.Wake(); }
  // Tells this node's workers running these runs to stop (cancelled, or the export deleted).
  void StopRuns(const std::vector<std::string>& run_ids, RunControl::Reason reason);
  // True while a worker is claiming or running; WaitIdle polls it.
  bool Busy();
  // Waits (at most `timeout`) until a worker finished something.
  void WaitForProgress(std::chrono::milliseconds timeout);
  // What the workers of this process did, per export id (for /metrics).
  std::map<std::string, ExportMetrics> Metrics() { return metrics_.Snapshot(); }
  void ForgetExports(const std::vector<std::string>& export_ids) { metrics_.Forget(export_ids); }

 private:
  struct ActiveRun {
    std::shared_ptr<RunControl> control;
    uint64_t token = 0;
  };

  void WorkerLoop(size_t index);
  bool ClaimAndRun(const std::string& worker_id);
  void HandBackAfterGrace();
  void HeartbeatLoop();
  Micros Now() const { return clock_->Now(); }

  StateStore& store_;
  RunExecutor& executor_;
  std::shared_ptr<Clock> clock_;
  WorkerPoolOptions options_;
  std::string node_id_;
  Waker worker_waker_, heartbeat_waker_;

  std::mutex lifecycle_mu_;
  bool started_ = false, stopped_ = false;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
  std::thread heartbeat_thread_;

  std::mutex busy_mu_;
  std::condition_variable busy_cv_;
  size_t busy_ = 0;

  std::mutex active_mu_;
  std::condition_variable active_cv_;
  std::map<std::string, ActiveRun> active_;

  RunMetrics metrics_;
};

}  // namespace bx
