#pragma once
// A backfill request checked (start before end, both in the past, dates for day and week
// exports) and counted in the export's whole intervals. Its runs are created a window at a
// time, the first at creation and the next ones by the scheduler as runs finish, so a backfill
// of any range is accepted at once and keeps at most kBackfillWindow runs unfinished.

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/export_definition.h"
#include "state/state_store.h"

namespace bx {

constexpr size_t kBackfillWindow = 256;

// No backfill starts before the epoch (a year-1 start_at is a typo, not a plan).
constexpr Micros kEarliestBackfillStart = 0;

struct BackfillPlan {
  Micros start = 0, end = 0;  // as asked
  Micros plan_end = 0;        // `end`, or the export's end_at when that is earlier
  uint64_t total_runs = 0;    // whole intervals only; a trailing partial one is dropped
};

struct BackfillWindow {
  std::vector<Interval> intervals;
  std::optional<Micros> next_cursor;  // nullopt: these are the plan's last intervals
};

// The plan's intervals from `cursor` on, at most `limit` of them.
BackfillWindow NextBackfillWindow(const Schedule& schedule, Micros cursor, Micros plan_end,
                                  size_t limit);

// body: {"start_at", "end_at"}: ISO 8601, and bare dates for day and week exports (read as local
// midnight in the export's time zone, plus the interval offset for day exports). Neither may lie
// in the future or before 1970, start_at must be before end_at, and no interval ends after the
// export's end_at.
// Throws InvalidArgument naming the field.
BackfillPlan PlanBackfill(const ExportDefinition& def, const nlohmann::json& body, Micros now);

// Throws Conflict when a running backfill of the export overlaps [start, end): the intervals
// they share would be exported twice.
void RefuseOverlappingBackfill(StateStore& store, const std::string& export_id, Micros start,
                               Micros end);

}  // namespace bx
