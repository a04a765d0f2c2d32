#pragma once
// The scheduler: on the node that leads, creates each due interval's run exactly once (the
// store's compare-and-set on the schedule position makes a second leader harmless) and the next
// window of runs of running backfills, and wakes the workers when it created some. Looks again
// every tick or at the next due time.

#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "state/leader_election.h"
#include "state/state_store.h"

namespace bx {

class Scheduler {
 public:
  Scheduler(StateStore& store, LeaderElection& leader, std::shared_ptr<Clock> clock, Micros tick,
            std::function<void()> runs_created);
  ~Scheduler() { Stop(); }

  void Start();
  void Stop();  // idempotent
  void Wake() { waker_.Wake(); }
  // Creates the runs of every interval due by now (the loop's work; tests call it directly).
  void Round();

 private:
  void Loop();

  StateStore& store_;
  LeaderElection& leader_;
  std::shared_ptr<Clock> clock_;
  Micros tick_;
  std::function<void()> runs_created_;
  Waker waker_;
  std::mutex round_mu_;
  std::thread thread_;
};

}  // namespace bx
