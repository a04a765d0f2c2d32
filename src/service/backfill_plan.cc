#include "service/backfill_plan.h"

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <algorithm>

#include "base/error.h"
#include "core/json_fields.h"

namespace bx {
namespace {

Micros ParseBound(const ExportDefinition& def, const std::string& text, const std::string& field) {
  const bool civil = def.interval == IntervalKind::kDay || def.interval == IntervalKind::kWeek;
  if (!civil) return ParseIsoTime(text, field);
  if (!IsDateOnly(text)) {
    throw InvalidArgument(field, "'" + text + "' must be a date (YYYY-MM-DD) for " +
                                     std::string(IntervalKindName(def.interval)) + " exports");
  }
  const Micros utc_midnight = ParseIsoTime(text, field);
  const CivilUtc c = ToCivilUtc(utc_midnight);
  cctz::time_zone zone;
  cctz::load_time_zone(def.timezone, &zone);
  const auto local = zone.lookup(cctz::civil_second(c.year, c.month, c.day, 0, 0, 0));
  Micros t =
      std::chrono::duration_cast<std::chrono::microseconds>(local.pre.time_since_epoch()).count();
  if (def.interval == IntervalKind::kDay) t += def.interval_offset * kMicrosPerSecond;
  return t;
}

}  // namespace

BackfillPlan PlanBackfill(const ExportDefinition& def, const nlohmann::json& body, Micros now) {
  JsonFields fields(body, "");
  const std::string start_text = fields.RequiredString("start_at");
  const std::string end_text = fields.RequiredString("end_at");
  fields.RejectUnknown();

  BackfillPlan plan;
  plan.start = ParseBound(def, start_text, "start_at");
  plan.end = ParseBound(def, end_text, "end_at");
  if (plan.start < kEarliestBackfillStart) {
    throw InvalidArgument("start_at", "'" + start_text +
                                          "' is before 1970-01-01, the earliest a backfill can "
                                          "start");
  }
  if (plan.start > now) throw InvalidArgument("start_at", "is in the future");
  if (plan.end > now) throw InvalidArgument("end_at", "is in the future");
  if (plan.start >= plan.end) throw InvalidArgument("end_at", "must be after start_at");

  // The export never exports past its end_at, backfills included.
  plan.plan_end = def.end_at ? std::min(plan.end, *def.end_at) : plan.end;
  plan.total_runs = def.schedule().CountIntervalsWithin(plan.start, plan.plan_end);
  if (plan.total_runs == 0) {
    throw InvalidArgument("end_at", "the range holds no whole '" +
                                        std::string(IntervalKindName(def.interval)) + "' interval");
  }
  return plan;
}

BackfillWindow NextBackfillWindow(const Schedule& schedule, Micros cursor, Micros plan_end,
                                  size_t limit) {
  BackfillWindow window;
  window.intervals = schedule.IntervalsWithin(cursor, plan_end, limit);
  if (!window.intervals.empty()) {
    const Micros next = window.intervals.back().end;
    if (!schedule.IntervalsWithin(next, plan_end, 1).empty()) window.next_cursor = next;
  }
  return window;
}

void RefuseOverlappingBackfill(StateStore& store, const std::string& export_id, Micros start,
                               Micros end) {
  constexpr size_t kPage = 1000;
  std::optional<int64_t> before;
  for (;;) {
    const auto page = store.ListBackfills(export_id, before, kPage);
    for (const StoredBackfill& b : page) {
      const BackfillRecord& r = b.backfill;
      if (r.status == BackfillStatus::kRunning && r.start_at < end && start < r.end_at) {
        throw Error(ErrorKind::kInvalidArgument, "Conflict",
                    "backfill " + r.id + " of this export covers " + FormatIso(r.start_at) +
                        " .. " + FormatIso(r.end_at) +
                        " and is still running; wait for it or cancel it, or backfill a range "
                        "that does not overlap it");
      }
    }
    if (page.size() < kPage) return;
    before = page.back().seq;
  }
}

}  // namespace bx
