#pragma once
// Where an export's schedule stands and which intervals are due: pure functions of the export
// definition and the time, so the scheduler's rules are tested without threads or a store.
//
// The position is the start of the first interval no run was created for. An export created at
// 10:17 with an hourly interval starts at 10:00: the period holding the creation time is
// exported when it ends (11:00 + delay), as the reference product does.

#include <vector>

#include "core/export_definition.h"

namespace bx {

// An interval is due `delay` after it ends (late events still arrive): 30 s for intervals under
// an hour, 60 s otherwise.
Micros ScheduleDelay(const Schedule& schedule);

// The position of a new export: the period holding `created_at`, or the first whole period
// from `start_at` when that is later.
Micros InitialPosition(const ExportDefinition& def, Micros created_at);

// The first boundary at or after `t` on the export's grid.
Micros AlignUp(const Schedule& schedule, Micros t);

// When the interval starting at `position` becomes due; kNever once it would end after end_at.
constexpr Micros kNever = INT64_MAX;
Micros DueAt(const ExportDefinition& def, Micros position);

struct DuePlan {
  std::vector<Interval> intervals;  // due at `now`, oldest first
  Micros next_position = 0;
  Micros next_due = 0;
};

// The intervals due at `now` from `position` on, at most `limit` of them (the rest follow on
// the next round).
DuePlan PlanDueIntervals(const ExportDefinition& def, Micros position, Micros now, size_t limit);

// The start of the first interval that is not yet due at `now`: unpausing moves the position
// here, skipping (or backfilling) the intervals that became due while paused.
Micros FirstNotDue(const ExportDefinition& def, Micros now);

}  // namespace bx
