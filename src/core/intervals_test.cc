#include "core/intervals.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bx {
namespace {

Micros T(const char* iso) { return ParseIsoTime(iso, "test"); }

std::vector<std::pair<std::string, std::string>> Spans(const std::vector<Interval>& intervals) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Interval& i : intervals) out.emplace_back(FormatIso(i.start), FormatIso(i.end));
  return out;
}

using Table = std::vector<std::pair<std::string, std::string>>;

TEST(Intervals, HourDropsLeadingAndTrailingPartials) {
  Schedule s(IntervalKind::kHour);
  EXPECT_EQ(Spans(s.IntervalsWithin(T("2024-01-15T00:17:00Z"), T("2024-01-15T03:30:00Z"))),
            (Table{{"2024-01-15T01:00:00+00:00", "2024-01-15T02:00:00+00:00"},
                   {"2024-01-15T02:00:00+00:00", "2024-01-15T03:00:00+00:00"}}));
  EXPECT_EQ(s.IntervalsWithin(T("2024-01-15T00:00:00Z"), T("2024-01-16T00:00:00Z")).size(), 24u);
  EXPECT_TRUE(s.IntervalsWithin(T("2024-01-15T00:00:00Z"), T("2024-01-15T00:59:59Z")).empty());
}

TEST(Intervals, FiveAndFifteenMinutes) {
  Schedule five(IntervalKind::kEvery5Minutes);
  EXPECT_EQ(Spans(five.IntervalsWithin(T("2024-01-15T00:00:00Z"), T("2024-01-15T00:17:00Z"))),
            (Table{{"2024-01-15T00:00:00+00:00", "2024-01-15T00:05:00+00:00"},
                   {"2024-01-15T00:05:00+00:00", "2024-01-15T00:10:00+00:00"},
                   {"2024-01-15T00:10:00+00:00", "2024-01-15T00:15:00+00:00"}}));
  Schedule fifteen(IntervalKind::kEvery15Minutes);
  EXPECT_EQ(fifteen.IntervalsWithin(T("2024-01-15T00:00:00Z"), T("2024-01-15T01:00:00Z")).size(),
            4u);
  EXPECT_EQ(fifteen.Floor(T("2024-01-15T00:29:59Z")), T("2024-01-15T00:15:00Z"));
}

TEST(Intervals, DayInUtc) {
  Schedule s(IntervalKind::kDay);
  EXPECT_EQ(Spans(s.IntervalsWithin(T("2024-01-15"), T("2024-01-17T12:00:00Z"))),
            (Table{{"2024-01-15T00:00:00+00:00", "2024-01-16T00:00:00+00:00"},
                   {"2024-01-16T00:00:00+00:00", "2024-01-17T00:00:00+00:00"}}));
}

TEST(Intervals, BerlinDayIs23HoursOnTheSpringChangeAnd25InAutumn) {
  Schedule s(IntervalKind::kDay, "Europe/Berlin");
  EXPECT_EQ(
      Spans(s.IntervalsWithin(T("2024-03-30T00:00:00+01:00"), T("2024-04-01T00:00:00+02:00"))),
      (Table{{"2024-03-29T23:00:00+00:00", "2024-03-30T23:00:00+00:00"},
             {"2024-03-30T23:00:00+00:00", "2024-03-31T22:00:00+00:00"}}));
  EXPECT_EQ(
      Spans(s.IntervalsWithin(T("2024-10-26T00:00:00+02:00"), T("2024-10-28T00:00:00+01:00"))),
      (Table{{"2024-10-25T22:00:00+00:00", "2024-10-26T22:00:00+00:00"},
             {"2024-10-26T22:00:00+00:00", "2024-10-27T23:00:00+00:00"}}));
}

TEST(Intervals, BerlinDayWithAnOffsetAcrossTheSpringChange) {
  // Days run from 03:00 local: the one holding the change lasts 23 hours.
  Schedule s(IntervalKind::kDay, "Europe/Berlin", 3 * 3600);
  EXPECT_EQ(Spans(s.IntervalsWithin(T("2024-03-30T00:00:00Z"), T("2024-04-01T12:00:00Z"))),
            (Table{{"2024-03-30T02:00:00+00:00", "2024-03-31T01:00:00+00:00"},
                   {"2024-03-31T01:00:00+00:00", "2024-04-01T01:00:00+00:00"}}));
  // 02:30 local does not exist on 2024-03-31: that day starts at the first valid time after it.
  Schedule gap(IntervalKind::kDay, "Europe/Berlin", 2 * 3600 + 1800);
  const auto days = gap.IntervalsWithin(T("2024-03-30T00:00:00Z"), T("2024-04-02T00:00:00Z"));
  ASSERT_GE(days.size(), 2u);
  for (size_t i = 1; i < days.size(); ++i) EXPECT_EQ(days[i - 1].end, days[i].start);
}

TEST(Intervals, BerlinDayWithAnOffsetInTheHourRepeatedInAutumn) {
  // 2024-10-27: 03:00 CEST goes back to 02:00 CET. The day's boundary 02:30 is its first pass
  // (00:30Z); at 02:10 of the second pass (01:10Z) local time reads before 02:30, yet the day has
  // begun. The fuzzer found it in a far-future year (the zone's rule, not its table).
  Schedule s(IntervalKind::kDay, "Europe/Berlin", 2 * 3600 + 30 * 60);
  EXPECT_EQ(FormatIso(s.Floor(T("2024-10-27T01:10:00Z"))), "2024-10-27T00:30:00+00:00");
  EXPECT_EQ(FormatIso(s.Next(T("2024-10-27T00:30:00Z"))), "2024-10-28T01:30:00+00:00");
  Schedule fuzzed(IntervalKind::kDay, "Europe/Berlin", 9118);
  const Micros t = 4570132000006111;
  const Micros b = fuzzed.Floor(t);
  EXPECT_EQ(b, 4570129918000000);
  EXPECT_LE(b, t);
  EXPECT_LT(t, fuzzed.Next(b));
}

TEST(Intervals, WeekStartsSundayPlusOffset) {
  Schedule sunday(IntervalKind::kWeek);
  EXPECT_EQ(Spans(sunday.IntervalsWithin(T("2024-01-10"), T("2024-01-30"))),
            (Table{{"2024-01-14T00:00:00+00:00", "2024-01-21T00:00:00+00:00"},
                   {"2024-01-21T00:00:00+00:00", "2024-01-28T00:00:00+00:00"}}));
  Schedule monday_9am(IntervalKind::kWeek, "UTC", 86400 + 9 * 3600);
  EXPECT_EQ(Spans(monday_9am.IntervalsWithin(T("2024-01-10"), T("2024-01-25"))),
            (Table{{"2024-01-15T09:00:00+00:00", "2024-01-22T09:00:00+00:00"}}));
  Schedule berlin(IntervalKind::kWeek, "Europe/Berlin");
  const auto weeks = berlin.IntervalsWithin(T("2024-03-20"), T("2024-04-10"));
  ASSERT_EQ(weeks.size(), 2u);
  EXPECT_EQ(weeks[0].end - weeks[0].start, 7 * 24 * 3600 * kMicrosPerSecond);
  EXPECT_EQ(weeks[1].end - weeks[1].start, (7 * 24 - 1) * 3600 * kMicrosPerSecond);  // 31 March
}

TEST(Intervals, CountsWithoutListingAndListsAWindow) {
  const Micros start = T("2014-01-01T00:02:00Z"), end = T("2024-01-01T00:00:00Z");
  for (const auto kind : {IntervalKind::kEvery5Minutes, IntervalKind::kHour}) {
    Schedule utc(kind);
    EXPECT_EQ(utc.CountIntervalsWithin(start, end), utc.IntervalsWithin(start, end).size());
  }
  // Local days across DST changes, with an offset.
  Schedule berlin(IntervalKind::kDay, "Europe/Berlin", 3 * 3600);
  EXPECT_EQ(berlin.CountIntervalsWithin(start, end), berlin.IntervalsWithin(start, end).size());
  EXPECT_EQ(Schedule(IntervalKind::kEvery5Minutes).CountIntervalsWithin(T("2014-01-01"), end),
            1051776u);  // the ten years of 5-minute intervals a backfill may ask for
  EXPECT_EQ(berlin.CountIntervalsWithin(end, start), 0u);

  const auto window = berlin.IntervalsWithin(start, end, 3);
  ASSERT_EQ(window.size(), 3u);
  const auto all = berlin.IntervalsWithin(start, end);
  EXPECT_EQ(window, std::vector<Interval>(all.begin(), all.begin() + 3));
}

// Found by fuzz/intervals_fuzz: a week in which the zone moves back across the date line (Pacific/
// Kwajalein went from +11 to -12 on 1969-10-01, so a date repeats) lasts 7 days 23 hours, and
// Next() returned its own start: IntervalsWithin looped without end, growing its vector.
TEST(Intervals, AnIntervalWithARepeatedDateStillEnds) {
  const Schedule s(IntervalKind::kWeek, "Pacific/Kwajalein", 379081);
  const Micros b = s.Floor(-8473319 * kMicrosPerSecond);
  const Micros n = s.Next(b);
  EXPECT_EQ(n - b, (7 * 24 + 23) * 3600 * kMicrosPerSecond);
  EXPECT_EQ(s.Floor(n), n);
  EXPECT_EQ(s.Floor(n - 1), b);
  const auto weeks = s.IntervalsWithin(b, n + 14 * 24 * 3600 * kMicrosPerSecond);
  ASSERT_EQ(weeks.size(), 3u);
  EXPECT_EQ(weeks[0], (Interval{b, n}));
  EXPECT_EQ(weeks[1].start, n);
  EXPECT_EQ(weeks[2].start, weeks[1].end);

  const Schedule day(IntervalKind::kDay, "Pacific/Kwajalein");
  const auto days = day.IntervalsWithin(T("1969-09-29T00:00:00Z"), T("1969-10-04T00:00:00Z"));
  ASSERT_EQ(days.size(), 3u);  // 30 September, twice over: one day of 47 hours
  EXPECT_EQ(days[0].end - days[0].start, 47 * 3600 * kMicrosPerSecond);
  EXPECT_EQ(days[1].start, days[0].end);
  EXPECT_EQ(days[2].start, days[1].end);
}

// Found by fuzz/intervals_fuzz: Pacific/Kiritimati skipped 31 December 1994 (from -10 to +14).
// With an offset of 22:56:58 the boundary of the skipped date maps past the next date's.
TEST(Intervals, ASkippedDateWithAnOffsetTilesTheDays) {
  const Schedule s(IntervalKind::kDay, "Pacific/Kiritimati", 82618);
  Micros b = s.Floor(T("1994-12-29T00:00:00Z"));
  for (int i = 0; i < 6; ++i) {
    const Micros n = s.Next(b);
    ASSERT_GT(n, b);
    EXPECT_EQ(s.Floor(n), n) << i;
    EXPECT_EQ(s.Floor(n - 1), b) << i << ": " << FormatIso(b) << " .. " << FormatIso(n);
    b = n;
  }
  const Micros short_day = s.Floor(T("1994-12-31T09:30:00Z"));
  EXPECT_EQ(short_day, T("1994-12-31T08:56:58Z"));
  EXPECT_EQ(s.Next(short_day), T("1994-12-31T10:00:00Z"));  // the zone's change
}

TEST(Intervals, RejectsBadZonesAndOffsets) {
  EXPECT_THROW(Schedule(IntervalKind::kDay, "Mars/Olympus"), Error);
  EXPECT_THROW(Schedule(IntervalKind::kDay, "UTC", 86400), Error);
  EXPECT_THROW(Schedule(IntervalKind::kDay, "UTC", -1), Error);
  EXPECT_THROW(Schedule(IntervalKind::kWeek, "UTC", 7 * 86400), Error);
  EXPECT_THROW(Schedule(IntervalKind::kHour, "UTC", 60), Error);
  EXPECT_NO_THROW(Schedule(IntervalKind::kWeek, "UTC", 7 * 86400 - 1));
}

}  // namespace
}  // namespace bx
