// The scheduler with a manual clock: first run, one run per interval, catch-up, DST, bounds.
#include <set>

#include "service/schedule_planner.h"
#include "testing/service_test_support.h"

namespace bx::service_test {
namespace {

TEST_F(ServiceTest, HourlyExportCreatedAt1017FirstRunsForTheHourItWasCreatedIn) {
  auto service = Start();
  const ExportRecord e = service->CreateExport(ExportJson("hour", out()));
  ASSERT_TRUE(service->WaitIdle());
  EXPECT_TRUE(AllRuns(*service, e.id).empty());

  clock_->Set(At("2024-01-15T11:00:59Z"));  // 11:00 + 60 s delay not yet reached
  ASSERT_TRUE(service->WaitIdle());
  EXPECT_TRUE(AllRuns(*service, e.id).empty());

  clock_->Set(At("2024-01-15T11:01:00Z"));
  ASSERT_TRUE(service->WaitIdle());
  auto runs = AllRuns(*service, e.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].interval.start, At("2024-01-15T10:00:00Z"));
  EXPECT_EQ(runs[0].interval.end, At("2024-01-15T11:00:00Z"));
  EXPECT_EQ(runs[0].status, RunStatus::kCompleted) << runs[0].latest_error;
  EXPECT_EQ(runs[0].records_completed, 0u);
  EXPECT_EQ(runs[0].attempts, 1u);
}

TEST_F(ServiceTest, ExactlyOneRunPerHourOverASimulatedDay) {
  auto service = Start();
  const ExportRecord e = service->CreateExport(ExportJson("hour", out()));
  AdvanceTo(*service, At("2024-01-16T11:01:00Z"), 7 * kMinute);
  auto runs = AllRuns(*service, e.id);
  ASSERT_EQ(runs.size(), 25u);  // 10:00 on the 15th to 11:00 on the 16th
  std::sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) {
    return a.interval.start < b.interval.start;
  });
  Micros expected = At("2024-01-15T10:00:00Z");
  for (const RunRecord& r : runs) {
    EXPECT_EQ(r.interval.start, expected);
    EXPECT_EQ(r.interval.end, expected + kHour);
    EXPECT_EQ(r.status, RunStatus::kCompleted);
    expected += kHour;
  }
  auto metrics = service->Metrics();
  EXPECT_EQ(metrics.queue_depth, 0u);
  EXPECT_EQ(metrics.scheduler_lag_seconds, 0);
}

TEST_F(ServiceTest, CatchesUpEveryIntervalMissedDuringAFiveHourStop) {
  std::string id;
  {
    auto service = Start();
    id = service->CreateExport(ExportJson("hour", out())).id;
    AdvanceTo(*service, At("2024-01-15T11:01:00Z"), 10 * kMinute);
    ASSERT_EQ(AllRuns(*service, id).size(), 1u);
    service->Stop();
  }
  clock_->Set(At("2024-01-15T16:01:00Z"));  // five hours later
  auto service = Start();
  ASSERT_TRUE(service->WaitIdle());
  auto runs = AllRuns(*service, id);
  ASSERT_EQ(runs.size(), 6u);
  std::set<Micros> starts;
  for (const RunRecord& r : runs) {
    EXPECT_EQ(r.status, RunStatus::kCompleted);
    starts.insert(r.interval.start);
  }
  EXPECT_EQ(starts.size(), 6u);
  EXPECT_EQ(*starts.begin(), At("2024-01-15T10:00:00Z"));
  EXPECT_EQ(*starts.rbegin(), At("2024-01-15T15:00:00Z"));
}

TEST_F(ServiceTest, DailyExportInBerlinHasA23HourDayOnTheSpringChange) {
  clock_->Set(At("2024-03-30T12:00:00Z"));
  auto service = Start();
  const ExportRecord e = service->CreateExport(ExportJson("day", out(), "Europe/Berlin"));
  AdvanceTo(*service, At("2024-04-02T00:00:00Z"), 3 * kHour);
  auto runs = AllRuns(*service, e.id);
  ASSERT_EQ(runs.size(), 3u);
  std::sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) {
    return a.interval.start < b.interval.start;
  });
  EXPECT_EQ(runs[0].interval.start, At("2024-03-29T23:00:00Z"));  // Berlin midnight, CET
  EXPECT_EQ(runs[0].interval.end - runs[0].interval.start, 24 * kHour);
  EXPECT_EQ(runs[1].interval.start, At("2024-03-30T23:00:00Z"));
  EXPECT_EQ(runs[1].interval.end, At("2024-03-31T22:00:00Z"));  // CEST from 02:00
  EXPECT_EQ(runs[2].interval.end - runs[2].interval.start, 24 * kHour);
}

TEST_F(ServiceTest, RespectsStartAtAndEndAt) {
  auto service = Start();
  nlohmann::json body = ExportJson("hour", out());
  body["start_at"] = "2024-01-15T12:30:00Z";
  body["end_at"] = "2024-01-15T16:00:00Z";
  const ExportRecord e = service->CreateExport(body);
  AdvanceTo(*service, At("2024-01-16T00:00:00Z"), 20 * kMinute);
  auto runs = AllRuns(*service, e.id);
  ASSERT_EQ(runs.size(), 3u);  // 13-14, 14-15, 15-16
  for (const RunRecord& r : runs) {
    EXPECT_GE(r.interval.start, At("2024-01-15T13:00:00Z"));
    EXPECT_LE(r.interval.end, At("2024-01-15T16:00:00Z"));
  }
}

TEST_F(ServiceTest, PausedExportGetsNoRunsAndUnpauseWithBackfillExportsThePausedSpan) {
  auto service = Start();
  const ExportRecord e = service->CreateExport(ExportJson("hour", out()));
  AdvanceTo(*service, At("2024-01-15T11:01:00Z"), 10 * kMinute);
  EXPECT_TRUE(service->PauseExport(e.id).definition.paused);
  AdvanceTo(*service, At("2024-01-15T15:30:00Z"), 30 * kMinute);
  EXPECT_EQ(AllRuns(*service, e.id).size(), 1u);

  EXPECT_FALSE(service->UnpauseExport(e.id, /*backfill=*/true).definition.paused);
  ASSERT_TRUE(service->WaitIdle());
  auto runs = AllRuns(*service, e.id);
  EXPECT_EQ(runs.size(), 5u);  // 10-11 scheduled; 11-15 by the backfill
  auto backfills = service->ListBackfills(e.id, {}).results;
  ASSERT_EQ(backfills.size(), 1u);
  EXPECT_EQ(backfills[0].start_at, At("2024-01-15T11:00:00Z"));
  EXPECT_EQ(backfills[0].end_at, At("2024-01-15T15:00:00Z"));
  EXPECT_EQ(backfills[0].status, BackfillStatus::kCompleted);
  AdvanceTo(*service, At("2024-01-15T16:01:00Z"), 10 * kMinute);
  EXPECT_EQ(AllRuns(*service, e.id).size(), 6u);  // 15-16 scheduled again
}

TEST(SchedulePlanner, DelayIsThirtySecondsUnderAnHourAndSixtyOtherwise) {
  EXPECT_EQ(ScheduleDelay(Schedule(IntervalKind::kEvery5Minutes)), 30 * kSecond);
  EXPECT_EQ(ScheduleDelay(Schedule(IntervalKind::kEvery15Minutes)), 30 * kSecond);
  EXPECT_EQ(ScheduleDelay(Schedule(IntervalKind::kHour)), 60 * kSecond);
  EXPECT_EQ(ScheduleDelay(Schedule(IntervalKind::kDay)), 60 * kSecond);
}

}  // namespace
}  // namespace bx::service_test
