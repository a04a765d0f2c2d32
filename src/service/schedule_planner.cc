#include "service/schedule_planner.h"

#include <algorithm>

namespace bx {

Micros ScheduleDelay(const Schedule& schedule) {
  return schedule.NominalLength() < 3600 * kMicrosPerSecond ? 30 * kMicrosPerSecond
                                                            : 60 * kMicrosPerSecond;
}

Micros AlignUp(const Schedule& schedule, Micros t) {
  const Micros floor = schedule.Floor(t);
  return floor == t ? t : schedule.Next(floor);
}

Micros InitialPosition(const ExportDefinition& def, Micros created_at) {
  const Schedule schedule = def.schedule();
  Micros position = schedule.Floor(created_at);
  if (def.start_at) position = std::max(position, AlignUp(schedule, *def.start_at));
  return position;
}

Micros DueAt(const ExportDefinition& def, Micros position) {
  const Schedule schedule = def.schedule();
  const Micros end = schedule.Next(position);
  if (def.end_at && end > *def.end_at) return kNever;
  return end + ScheduleDelay(schedule);
}

DuePlan PlanDueIntervals(const ExportDefinition& def, Micros position, Micros now, size_t limit) {
  const Schedule schedule = def.schedule();
  const Micros delay = ScheduleDelay(schedule);
  DuePlan plan;
  while (plan.intervals.size() < limit) {
    const Micros end = schedule.Next(position);
    if (def.end_at && end > *def.end_at) break;
    if (end + delay > now) break;
    plan.intervals.push_back({position, end});
    position = end;
  }
  plan.next_position = position;
  plan.next_due = DueAt(def, position);
  return plan;
}

Micros FirstNotDue(const ExportDefinition& def, Micros now) {
  const Schedule schedule = def.schedule();
  return schedule.Floor(now - ScheduleDelay(schedule));
}

}  // namespace bx
