#include "service/scheduler.h"

#include "base/error.h"
#include "base/log.h"
#include "service/backfill_feeder.h"
#include "service/ids.h"
#include "service/schedule_planner.h"
#include "service/stored_definition.h"

namespace bx {
namespace {

constexpr size_t kSchedulerBatch = 500;      // exports looked at per query
constexpr size_t kIntervalsPerRound = 1000;  // runs created per export per round

}  // namespace

Scheduler::Scheduler(StateStore& store, LeaderElection& leader, std::shared_ptr<Clock> clock,
                     Micros tick, std::function<void()> runs_created)
    : store_(store),
      leader_(leader),
      clock_(clock),
      tick_(tick),
      runs_created_(std::move(runs_created)),
      waker_(clock) {}

void Scheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  waker_.Close();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Loop() {
  while (!waker_.closed()) {
    Micros next = clock_->Now() + tick_;
    try {
      // Followers only look again next tick: a dead leader is replaced within one.
      if (leader_.IsLeader()) {
        Round();
        if (auto due = store_.EarliestDue()) {
          next = std::max(std::min(next, *due), clock_->Now() + 1);
        }
      }
    } catch (const Error& e) {
      spdlog::error("scheduler: {}", e.Describe());
    }
    waker_.WaitUntil(next);
  }
}

void Scheduler::Round() {
  std::lock_guard lock(round_mu_);
  size_t created = 0;
  for (;;) {
    const Micros now = clock_->Now();
    const auto due = store_.DueExports(now, kSchedulerBatch);
    size_t progressed = 0;
    for (const StoredExport& e : due) {
      const ExportDefinition def = StoredDefinition(e);
      const DuePlan plan = PlanDueIntervals(def, e.next_interval_start, now, kIntervalsPerRound);
      std::vector<NewRun> runs;
      for (const Interval& i : plan.intervals) runs.push_back({NewUuid(), i});
      auto n = store_.AdvanceSchedule(e.id, e.next_interval_start, runs, plan.next_position,
                                      plan.next_due, now);
      if (n) {
        created += *n;
        ++progressed;
      }
    }
    if (due.size() < kSchedulerBatch || progressed == 0) break;
  }
  created += FeedBackfills(store_, clock_->Now());
  if (created > 0) runs_created_();
}

}  // namespace bx
