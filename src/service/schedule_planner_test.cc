// The scheduler's pure rules where the local clock repeats an hour: a Berlin day export whose
// boundary (02:30) lies in the hour repeated on 2024-10-27 (03:00 CEST back to 02:00 CET). The
// day begins at the first pass of 02:30 (00:30Z) and ends at 02:30 CET of the 28th (01:30Z),
// 25 hours later. A time in the second pass before 02:30 (01:10Z reads 02:10) is inside that
// day: Schedule::Floor once put it in the day before.
#include "service/schedule_planner.h"

#include <gtest/gtest.h>

namespace bx {
namespace {

Micros T(const char* iso) { return ParseIsoTime(iso, "test"); }

ExportDefinition BerlinDayAt0230() {
  ExportDefinition def;
  def.interval = IntervalKind::kDay;
  def.timezone = "Europe/Berlin";
  def.interval_offset = 2 * 3600 + 30 * 60;
  return def;
}

TEST(SchedulePlanner, AnExportCreatedInTheRepeatedHourStartsWithTheDayHoldingThatTime) {
  const ExportDefinition def = BerlinDayAt0230();
  const Micros created = T("2024-10-27T01:10:00Z");
  const Micros position = InitialPosition(def, created);
  EXPECT_EQ(FormatIso(position), "2024-10-27T00:30:00+00:00");
  EXPECT_EQ(FormatIso(DueAt(def, position)), "2024-10-28T01:31:00+00:00");  // end + 60 s
  // Nothing is due before the day ends; then that one day, 25 hours long.
  EXPECT_TRUE(PlanDueIntervals(def, position, T("2024-10-28T01:30:59Z"), 10).intervals.empty());
  const DuePlan plan = PlanDueIntervals(def, position, T("2024-10-28T01:31:00Z"), 10);
  ASSERT_EQ(plan.intervals.size(), 1u);
  EXPECT_EQ(plan.intervals[0], (Interval{T("2024-10-27T00:30:00Z"), T("2024-10-28T01:30:00Z")}));
  EXPECT_EQ(plan.next_position, T("2024-10-28T01:30:00Z"));
}

TEST(SchedulePlanner, AStartInTheRepeatedHourBeginsWithTheNextWholeDay) {
  ExportDefinition def = BerlinDayAt0230();
  def.start_at = T("2024-10-27T01:10:00Z");
  EXPECT_EQ(FormatIso(AlignUp(def.schedule(), *def.start_at)), "2024-10-28T01:30:00+00:00");
  EXPECT_EQ(FormatIso(InitialPosition(def, T("2024-10-20T12:00:00Z"))),
            "2024-10-28T01:30:00+00:00");
  // A boundary aligns to itself, in either pass of the hour.
  EXPECT_EQ(AlignUp(def.schedule(), T("2024-10-27T00:30:00Z")), T("2024-10-27T00:30:00Z"));
}

TEST(SchedulePlanner, TheFirstIntervalNotDueInTheRepeatedHourIsTheDayThatBegan) {
  const ExportDefinition def = BerlinDayAt0230();
  // 60 s after 01:10Z the day that began at 00:30Z is not due; the day before is.
  EXPECT_EQ(FormatIso(FirstNotDue(def, T("2024-10-27T01:11:00Z"))), "2024-10-27T00:30:00+00:00");
}

}  // namespace
}  // namespace bx
