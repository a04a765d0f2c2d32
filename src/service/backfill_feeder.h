#pragma once
// Creates the next window of runs of each running backfill whose unfinished runs fell below half
// a window (backfill_plan.h). The scheduler calls it every round, on the leading node; the
// store's compare-and-set on the plan cursor makes a second caller harmless.

#include <cstddef>

#include "state/state_store.h"

namespace bx {

// Returns how many runs it created.
size_t FeedBackfills(StateStore& store, Micros now);

}  // namespace bx
