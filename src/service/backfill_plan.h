#pragma once
// A backfill request checked (start before end, both in the past, dates for day and week
// exports) and split into the export's whole intervals.

#include <vector>

#include <nlohmann/json.hpp>

#include "core/export_definition.h"
#include "state/state_store.h"

namespace bx {

struct BackfillPlan {
  Micros start = 0, end = 0;
  std::vector<Interval> intervals;  // whole intervals only; a trailing partial one is dropped
};

// body: {"start_at", "end_at"}: ISO 8601, and bare dates for day and week exports (read as local
// midnight in the export's time zone, plus the interval offset for day exports). Neither may lie
// in the future, start_at must be before end_at, and no interval ends after the export's end_at.
// Throws InvalidArgument naming the field.
BackfillPlan PlanBackfill(const ExportDefinition& def, const nlohmann::json& body, Micros now);

// Throws Conflict when a running backfill of the export overlaps [start, end): the intervals
// they share would be exported twice.
void RefuseOverlappingBackfill(StateStore& store, const std::string& export_id, Micros start,
                               Micros end);

}  // namespace bx
