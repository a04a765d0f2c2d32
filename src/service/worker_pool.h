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

// What the workers of this node did since it started, for /metrics.
struct WorkerMetrics {
  uint64_t rows_exported = 0, bytes_exported = 0;
  std::vector<double> duration_bounds;    // seconds, ascending
  std::vector<uint64_t> duration_counts;  // cumulative, one per bound, then +Inf
  double duration_sum = 0;
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
  WorkerMetrics Metrics();

 private:
  struct ActiveRun {
    std::shared_ptr<RunControl> control;
    uint64_t token = 0;
  };

  void WorkerLoop(size_t index);
  bool ClaimAndRun(const std::string& worker_id);
  void RecordMetrics(const AttemptReport& r);
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

  std::mutex metrics_mu_;
  WorkerMetrics metrics_;
};

}  // namespace bx
