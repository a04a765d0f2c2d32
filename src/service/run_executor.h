#pragma once
// One attempt of a claimed run: read the export, run the pipeline, record the outcome under the
// run's fencing token, write the log lines a user reads, decide about retries and auto-pause.

#include <atomic>
#include <functional>
#include <memory>

#include "base/clock.h"
#include "service/service.h"
#include "sink/destination.h"
#include "state/state_store.h"

namespace bx {

// How a worker is told to stop a run; checked between batches.
struct RunControl {
  enum class Reason { kNone, kCancelled, kShutdown, kLeaseLost };
  std::atomic<bool> stop{false};
  std::atomic<Reason> reason{Reason::kNone};
  void Stop(Reason r) {
    Reason expected = Reason::kNone;
    reason.compare_exchange_strong(expected, r);
    stop = true;
  }
};

using DestinationFactory = std::function<std::unique_ptr<Destination>(const ExportDefinition&)>;

struct AttemptReport {
  RunStatus status = RunStatus::kCompleted;  // what was recorded (Starting when handed back)
  bool recorded = false;                     // false when the lease was lost first
  uint64_t rows = 0, bytes = 0;
  double seconds = 0;
};

class RunExecutor {
 public:
  RunExecutor(StateStore& store, Clock& clock, Source& source, DestinationFactory destinations,
              RetryPolicy retry, AutoPausePolicy auto_pause)
      : store_(store),
        clock_(clock),
        source_(source),
        destinations_(std::move(destinations)),
        retry_(retry),
        auto_pause_(auto_pause) {}

  AttemptReport Execute(const StoredRun& claimed, RunControl& control);

  // 1 s, 2 s, 4 s, ... capped: the wait after failed attempt number `attempts`.
  static Micros Backoff(const RetryPolicy& retry, uint32_t attempts);

 private:
  void Log(const std::string& run_id, const char* level, const std::string& message);
  void MaybeAutoPause(const RunRecord& run);

  StateStore& store_;
  Clock& clock_;
  Source& source_;
  DestinationFactory destinations_;
  RetryPolicy retry_;
  AutoPausePolicy auto_pause_;
};

}  // namespace bx
