#pragma once
// The StateStore conformance suite: every implementation runs these same tests through a
// factory. Include this header in one test file per implementation and instantiate:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StateStoreConformance,
//                            ::testing::Values(StateStoreFactory{"sqlite", MakeSqlite}));

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "state/state_store.h"
#include "testing/temp_dir.h"

namespace bx::conformance {

struct StateStoreFactory {
  std::string name;
  // A fresh, empty store; `dir` is a scratch directory that outlives it.
  std::function<std::unique_ptr<StateStore>(const std::filesystem::path& dir)> make;
};

inline std::string FactoryName(const ::testing::TestParamInfo<StateStoreFactory>& info) {
  return info.param.name;
}

constexpr Micros kSecond = kMicrosPerSecond;
constexpr Micros kHour = 3600 * kSecond;
constexpr Micros kT0 = 1705312800LL * kSecond;  // 2024-01-15T10:00:00Z

class StateStoreConformance : public ::testing::TestWithParam<StateStoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().make(dir_.path()); }

  StoredExport AddExport(const std::string& id, bool paused = false) {
    StoredExport e;
    e.id = id;
    e.config = {{"name", id},
                {"interval", "hour"},
                {"destination",
                 {{"type", "File"}, {"config", {{"path", "/tmp/x"}, {"password", "hunter2"}}}}}};
    e.paused = paused;
    e.created_at = e.last_updated_at = kT0;
    e.next_interval_start = kT0;
    e.next_due_at = kT0 + kHour + 60 * kSecond;
    return store_->InsertExport(e);
  }

  // Scheduled runs for hours [kT0 + first h, kT0 + last h).
  std::vector<NewRun> HourRuns(const std::string& prefix, int first, int last) {
    std::vector<NewRun> runs;
    for (int h = first; h < last; ++h) {
      runs.push_back({prefix + std::to_string(h), {kT0 + h * kHour, kT0 + (h + 1) * kHour}});
    }
    return runs;
  }

  void Schedule(const std::string& export_id, int hours) {
    auto e = store_->GetExport(export_id);
    ASSERT_TRUE(e);
    auto n = store_->AdvanceSchedule(export_id, e->next_interval_start,
                                     HourRuns(export_id + "-r", 0, hours), kT0 + hours * kHour,
                                     kT0 + (hours + 1) * kHour, kT0);
    ASSERT_EQ(n, std::optional<size_t>(hours));
  }

  std::optional<StoredRun> Claim(Micros now, const std::string& worker = "w1",
                                 size_t backfill_concurrency = 1) {
    return store_->ClaimRun({worker, now, now + 60 * kSecond, backfill_concurrency});
  }

  RunOutcome Outcome(RunStatus status, Micros at) {
    RunOutcome o;
    o.status = status;
    o.finished_at = at;
    if (status == RunStatus::kFailedRetryable) o.next_attempt_at = at + 2 * kSecond;
    if (status != RunStatus::kCompleted) o.latest_error = "Boom: it broke";
    return o;
  }

  bx::testing::TempDir dir_;
  std::unique_ptr<StateStore> store_;
};

TEST_P(StateStoreConformance, ExportRoundTripsWithSecrets) {
  AddExport("e1");
  auto e = store_->GetExport("e1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->config["destination"]["config"]["password"], "hunter2");
  EXPECT_EQ(e->next_interval_start, kT0);
  EXPECT_FALSE(e->paused);
  EXPECT_FALSE(store_->GetExport("nope"));

  nlohmann::json config = e->config;
  config["name"] = "renamed";
  EXPECT_TRUE(store_->UpdateExportConfig("e1", config, kT0 + kSecond));
  e = store_->GetExport("e1");
  EXPECT_EQ(e->config["name"], "renamed");
  EXPECT_EQ(e->last_updated_at, kT0 + kSecond);
  EXPECT_FALSE(store_->UpdateExportConfig("nope", config, kT0));
}

TEST_P(StateStoreConformance, ListsExportsNewestFirstInPages) {
  for (int i = 0; i < 5; ++i) AddExport("e" + std::to_string(i));
  auto page1 = store_->ListExports(std::nullopt, 3);
  ASSERT_EQ(page1.size(), 3u);
  EXPECT_EQ(page1[0].id, "e4");
  EXPECT_EQ(page1[2].id, "e2");
  auto page2 = store_->ListExports(page1.back().seq, 3);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[1].id, "e0");
}

TEST_P(StateStoreConformance, PauseRecordsTimeAndHidesFromScheduler) {
  AddExport("e1");
  AddExport("e2");
  EXPECT_EQ(store_->DueExports(kT0 + 2 * kHour, 10).size(), 2u);
  EXPECT_TRUE(store_->SetPaused("e1", true, kT0 + 5 * kSecond));
  auto e = store_->GetExport("e1");
  EXPECT_TRUE(e->paused);
  EXPECT_EQ(e->last_paused_at, kT0 + 5 * kSecond);
  auto due = store_->DueExports(kT0 + 2 * kHour, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, "e2");
  EXPECT_TRUE(store_->DueExports(kT0, 10).empty());  // not due yet
  EXPECT_EQ(store_->EarliestDue(), kT0 + kHour + 60 * kSecond);
  EXPECT_FALSE(store_->SetPaused("nope", true, kT0));
}

TEST_P(StateStoreConformance, AdvanceScheduleCreatesEachIntervalOnce) {
  AddExport("e1");
  auto n = store_->AdvanceSchedule("e1", kT0, HourRuns("a", 0, 3), kT0 + 3 * kHour, kT0 + 4 * kHour,
                                   kT0);
  EXPECT_EQ(n, std::optional<size_t>(3));
  // A second scheduler that read the old position changes nothing.
  EXPECT_FALSE(store_->AdvanceSchedule("e1", kT0, HourRuns("b", 0, 3), kT0 + 3 * kHour,
                                       kT0 + 4 * kHour, kT0));
  // An interval that already has a scheduled run is skipped, even with a new run id.
  n = store_->AdvanceSchedule("e1", kT0 + 3 * kHour, HourRuns("c", 2, 5), kT0 + 5 * kHour,
                              kT0 + 6 * kHour, kT0);
  EXPECT_EQ(n, std::optional<size_t>(2));
  EXPECT_EQ(store_->ListRuns("e1", std::nullopt, std::nullopt, 100).size(), 5u);
  EXPECT_FALSE(store_->GetRun("c2"));
  EXPECT_EQ(store_->GetExport("e1")->next_interval_start, kT0 + 5 * kHour);
  EXPECT_TRUE(store_->SetSchedulePosition("e1", kT0 + 9 * kHour, kT0 + 10 * kHour));
  EXPECT_EQ(store_->GetExport("e1")->next_due_at, kT0 + 10 * kHour);
}

TEST_P(StateStoreConformance, ClaimsEachRunOnceOldestFirst) {
  AddExport("e1");
  Schedule("e1", 2);
  auto a = Claim(kT0, "w1");
  auto b = Claim(kT0, "w2");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->run.id, "e1-r0");
  EXPECT_EQ(b->run.id, "e1-r1");
  EXPECT_EQ(a->run.status, RunStatus::kRunning);
  EXPECT_EQ(a->run.attempts, 1u);
  EXPECT_EQ(a->lease_owner, "w1");
  EXPECT_EQ(a->run.started_at, kT0);
  EXPECT_FALSE(Claim(kT0));
  EXPECT_EQ(store_->CountDueRuns(kT0), 0u);
}

TEST_P(StateStoreConformance, PausedAndDeletedExportsRunsAreNotClaimed) {
  AddExport("e1");
  Schedule("e1", 1);
  store_->SetPaused("e1", true, kT0);
  EXPECT_FALSE(Claim(kT0));
  EXPECT_EQ(store_->CountDueRuns(kT0), 0u);
  store_->SetPaused("e1", false, kT0);
  EXPECT_EQ(store_->CountDueRuns(kT0), 1u);
  auto deleted = store_->DeleteExport("e1", kT0);
  ASSERT_TRUE(deleted);
  EXPECT_FALSE(Claim(kT0));
  EXPECT_FALSE(store_->GetExport("e1"));
  EXPECT_EQ(store_->GetRun("e1-r0")->run.status, RunStatus::kCancelled);
  EXPECT_FALSE(store_->DeleteExport("e1", kT0));
}

TEST_P(StateStoreConformance, DeleteReportsRunningRunsAndFencesThem) {
  AddExport("e1");
  Schedule("e1", 2);
  auto a = Claim(kT0);
  auto running = store_->DeleteExport("e1", kT0 + kSecond);
  ASSERT_TRUE(running);
  EXPECT_EQ(*running, std::vector<std::string>{a->run.id});
  EXPECT_FALSE(store_->FinishRun(a->run.id, a->fencing_token, Outcome(RunStatus::kCompleted, kT0)));
  EXPECT_FALSE(store_->Heartbeat(a->run.id, a->fencing_token, kT0 + kHour));
  EXPECT_EQ(store_->GetRun(a->run.id)->run.status, RunStatus::kCancelled);
}

TEST_P(StateStoreConformance, ExpiredLeaseIsTakenOverAndTheOldWorkerIsFenced) {
  AddExport("e1");
  Schedule("e1", 1);
  auto first = Claim(kT0, "w1");
  ASSERT_TRUE(first);
  EXPECT_FALSE(Claim(kT0 + 59 * kSecond, "w2"));  // lease still valid
  EXPECT_TRUE(store_->Heartbeat(first->run.id, first->fencing_token, kT0 + 120 * kSecond));
  EXPECT_FALSE(Claim(kT0 + 100 * kSecond, "w2"));  // renewed
  auto second = Claim(kT0 + 121 * kSecond, "w2");  // expired: taken over
  ASSERT_TRUE(second);
  EXPECT_EQ(second->run.id, first->run.id);
  EXPECT_NE(second->fencing_token, first->fencing_token);
  EXPECT_EQ(second->run.attempts, 2u);
  EXPECT_FALSE(store_->Heartbeat(first->run.id, first->fencing_token, kT0 + kHour));
  EXPECT_FALSE(store_->FinishRun(first->run.id, first->fencing_token,
                                 Outcome(RunStatus::kCompleted, kT0 + 122 * kSecond)));
  EXPECT_TRUE(store_->FinishRun(second->run.id, second->fencing_token,
                                Outcome(RunStatus::kCompleted, kT0 + 123 * kSecond)));
  EXPECT_EQ(store_->GetRun(first->run.id)->run.status, RunStatus::kCompleted);
}

TEST_P(StateStoreConformance, RetryableFailureRequeuesAfterBackoff) {
  AddExport("e1");
  Schedule("e1", 1);
  auto a = Claim(kT0);
  ASSERT_TRUE(store_->FinishRun(a->run.id, a->fencing_token,
                                Outcome(RunStatus::kFailedRetryable, kT0 + kSecond)));
  auto run = store_->GetRun(a->run.id)->run;
  EXPECT_EQ(run.status, RunStatus::kFailedRetryable);
  EXPECT_EQ(run.latest_error, "Boom: it broke");
  EXPECT_EQ(run.next_attempt_at, kT0 + 3 * kSecond);
  EXPECT_FALSE(run.finished_at);
  EXPECT_EQ(store_->NextDueRunAt(), kT0 + 3 * kSecond);
  EXPECT_FALSE(Claim(kT0 + 2 * kSecond));
  auto again = Claim(kT0 + 3 * kSecond);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->run.attempts, 2u);
  RunOutcome done = Outcome(RunStatus::kCompleted, kT0 + 4 * kSecond);
  done.records_completed = 1204;
  done.bytes_exported = 99;
  ASSERT_TRUE(store_->FinishRun(again->run.id, again->fencing_token, done));
  run = store_->GetRun(a->run.id)->run;
  EXPECT_EQ(run.status, RunStatus::kCompleted);
  EXPECT_EQ(run.records_completed, 1204u);
  EXPECT_EQ(run.bytes_exported, 99u);
  EXPECT_EQ(run.finished_at, kT0 + 4 * kSecond);
  EXPECT_FALSE(store_->NextDueRunAt());
}

TEST_P(StateStoreConformance, ReleasedRunIsClaimableAgainAndKeepsItsAttemptCount) {
  AddExport("e1");
  Schedule("e1", 1);
  auto a = Claim(kT0);
  EXPECT_TRUE(store_->ReleaseRun(a->run.id, a->fencing_token, kT0 + kSecond));
  EXPECT_FALSE(store_->ReleaseRun(a->run.id, a->fencing_token, kT0 + kSecond));
  auto run = store_->GetRun(a->run.id)->run;
  EXPECT_EQ(run.status, RunStatus::kStarting);
  EXPECT_EQ(run.attempts, 0u);
  auto b = Claim(kT0 + kSecond);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->run.attempts, 1u);
}

TEST_P(StateStoreConformance, ManualRetryOfFinishedRunsOnly) {
  AddExport("e1");
  Schedule("e1", 1);
  EXPECT_EQ(store_->RetryRun("e1-r0", kT0), RetryResult::kConflict);  // queued
  auto a = Claim(kT0);
  EXPECT_EQ(store_->RetryRun("e1-r0", kT0), RetryResult::kConflict);  // running
  store_->FinishRun(a->run.id, a->fencing_token, Outcome(RunStatus::kFailed, kT0 + kSecond));
  EXPECT_EQ(store_->RetryRun("e1-r0", kT0 + 2 * kSecond), RetryResult::kRetried);
  EXPECT_EQ(store_->RetryRun("nope", kT0), RetryResult::kNotFound);
  auto run = store_->GetRun("e1-r0")->run;
  EXPECT_EQ(run.status, RunStatus::kStarting);
  EXPECT_EQ(run.attempts, 0u);
  EXPECT_TRUE(run.latest_error.empty());
  EXPECT_TRUE(Claim(kT0 + 2 * kSecond));
}

TEST_P(StateStoreConformance, ListsRunsNewestFirstByStatusInPages) {
  AddExport("e1");
  Schedule("e1", 5);
  auto a = Claim(kT0);
  store_->FinishRun(a->run.id, a->fencing_token, Outcome(RunStatus::kFailed, kT0));
  auto failed = store_->ListRuns("e1", RunStatus::kFailed, std::nullopt, 10);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].run.id, "e1-r0");
  auto page1 = store_->ListRuns("e1", std::nullopt, std::nullopt, 3);
  ASSERT_EQ(page1.size(), 3u);
  EXPECT_EQ(page1[0].run.id, "e1-r4");
  auto page2 = store_->ListRuns("e1", std::nullopt, page1.back().seq, 3);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[1].run.id, "e1-r0");
  EXPECT_TRUE(store_->ListRuns("other", std::nullopt, std::nullopt, 10).empty());
}

TEST_P(StateStoreConformance, BackfillProgressesAndCompletes) {
  AddExport("e1");
  BackfillRecord b;
  b.id = "b1";
  b.export_id = "e1";
  b.start_at = kT0;
  b.end_at = kT0 + 3 * kHour;
  b.created_at = kT0;
  b.total_runs = 3;
  auto stored = store_->InsertBackfill(b, HourRuns("b", 0, 3), std::nullopt);
  EXPECT_EQ(stored.backfill.total_runs, 3u);
  EXPECT_EQ(stored.backfill.finished_runs, 0u);
  for (int i = 0; i < 3; ++i) {
    auto r = Claim(kT0);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->run.backfill_id, "b1");
    EXPECT_FALSE(Claim(kT0));  // one backfill run of an export at a time
    store_->FinishRun(r->run.id, r->fencing_token,
                      Outcome(i == 1 ? RunStatus::kFailed : RunStatus::kCompleted, kT0 + i));
    auto now = store_->GetBackfill("b1")->backfill;
    EXPECT_EQ(now.finished_runs, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(now.status, i < 2 ? BackfillStatus::kRunning : BackfillStatus::kFailed);
  }
  EXPECT_EQ(store_->GetBackfill("b1")->backfill.finished_at, kT0 + 2);
  EXPECT_EQ(store_->ListBackfills("e1", std::nullopt, 10).size(), 1u);
}

TEST_P(StateStoreConformance, BackfillConcurrencyIsBoundedPerExport) {
  AddExport("e1");
  BackfillRecord b;
  b.id = "b1";
  b.export_id = "e1";
  b.created_at = kT0;
  b.total_runs = 4;
  store_->InsertBackfill(b, HourRuns("b", 0, 4), std::nullopt);
  EXPECT_TRUE(Claim(kT0, "w", 2));
  EXPECT_TRUE(Claim(kT0, "w", 2));
  EXPECT_FALSE(Claim(kT0, "w", 2));
}

TEST_P(StateStoreConformance, TwoRunsOfOneIntervalNeverRunAtOnce) {
  AddExport("e1");
  Schedule("e1", 1);
  BackfillRecord b;
  b.id = "b1";
  b.export_id = "e1";
  b.created_at = kT0;
  b.total_runs = 1;
  store_->InsertBackfill(b, HourRuns("b", 0, 1), std::nullopt);  // the same interval as e1-r0
  auto first = Claim(kT0);
  ASSERT_TRUE(first);
  EXPECT_FALSE(Claim(kT0));
  store_->FinishRun(first->run.id, first->fencing_token, Outcome(RunStatus::kCompleted, kT0));
  auto second = Claim(kT0);
  ASSERT_TRUE(second);
  EXPECT_NE(second->run.id, first->run.id);
}

TEST_P(StateStoreConformance, CancelBackfillStopsQueuedAndRunningRuns) {
  AddExport("e1");
  BackfillRecord b;
  b.id = "b1";
  b.export_id = "e1";
  b.created_at = kT0;
  b.total_runs = 5;
  store_->InsertBackfill(b, HourRuns("b", 0, 5), std::nullopt);
  auto r = Claim(kT0);
  auto running = store_->CancelBackfill("b1", kT0 + kSecond);
  ASSERT_TRUE(running);
  EXPECT_EQ(*running, std::vector<std::string>{r->run.id});
  EXPECT_FALSE(store_->FinishRun(r->run.id, r->fencing_token, Outcome(RunStatus::kCompleted, kT0)));
  auto backfill = store_->GetBackfill("b1")->backfill;
  EXPECT_EQ(backfill.status, BackfillStatus::kCancelled);
  EXPECT_EQ(backfill.finished_runs, 5u);
  EXPECT_TRUE(store_->ListRuns("e1", RunStatus::kRunning, std::nullopt, 10).empty());
  EXPECT_EQ(store_->ListRuns("e1", RunStatus::kCancelled, std::nullopt, 10).size(), 5u);
  EXPECT_FALSE(Claim(kT0 + kHour));
  EXPECT_FALSE(store_->CancelBackfill("nope", kT0));
}

TEST_P(StateStoreConformance, BackfillRunsAreCreatedAWindowAtATime) {
  AddExport("e1");
  BackfillRecord b;
  b.id = "b1";
  b.export_id = "e1";
  b.start_at = kT0;
  b.end_at = kT0 + 5 * kHour;
  b.total_runs = 5;
  b.created_at = kT0;
  auto stored = store_->InsertBackfill(b, HourRuns("b", 0, 2), kT0 + 2 * kHour);
  EXPECT_EQ(stored.created_runs, 2u);
  EXPECT_EQ(stored.plan_cursor, kT0 + 2 * kHour);
  EXPECT_EQ(stored.backfill.total_runs, 5u);
  ASSERT_EQ(store_->BackfillsToPlan(10).size(), 1u);

  // Both runs of the first window finish: the backfill runs on, its plan is not complete.
  for (int i = 0; i < 2; ++i) {
    auto r = Claim(kT0);
    ASSERT_TRUE(r);
    store_->FinishRun(r->run.id, r->fencing_token, Outcome(RunStatus::kCompleted, kT0));
  }
  EXPECT_EQ(store_->GetBackfill("b1")->backfill.status, BackfillStatus::kRunning);
  EXPECT_FALSE(Claim(kT0));

  // A stale cursor changes nothing; the right one creates the window and moves on.
  EXPECT_FALSE(store_->AdvanceBackfill("b1", kT0, HourRuns("x", 2, 4), kT0 + 4 * kHour, kT0));
  EXPECT_EQ(
      store_->AdvanceBackfill("b1", kT0 + 2 * kHour, HourRuns("b", 2, 4), kT0 + 4 * kHour, kT0),
      2u);
  EXPECT_EQ(store_->GetBackfill("b1")->created_runs, 4u);
  EXPECT_EQ(store_->AdvanceBackfill("b1", kT0 + 4 * kHour, HourRuns("b", 4, 5), std::nullopt, kT0),
            1u);
  EXPECT_TRUE(store_->BackfillsToPlan(10).empty());
  for (int i = 0; i < 3; ++i) {
    auto r = Claim(kT0);
    ASSERT_TRUE(r);
    store_->FinishRun(r->run.id, r->fencing_token, Outcome(RunStatus::kCompleted, kT0 + i));
  }
  const auto done = store_->GetBackfill("b1")->backfill;
  EXPECT_EQ(done.status, BackfillStatus::kCompleted);
  EXPECT_EQ(done.finished_runs, 5u);
  EXPECT_EQ(store_->ListRuns("e1", RunStatus::kCompleted, std::nullopt, 10).size(), 5u);
}

TEST_P(StateStoreConformance, ABackfillWhoseLastWindowIsEmptySettlesThen) {
  AddExport("e1");
  BackfillRecord b;
  b.id = "b1";
  b.export_id = "e1";
  b.total_runs = 3;
  b.created_at = kT0;
  store_->InsertBackfill(b, HourRuns("b", 0, 1), kT0 + kHour);
  auto r = Claim(kT0);
  store_->FinishRun(r->run.id, r->fencing_token, Outcome(RunStatus::kCompleted, kT0));
  // The export's end_at moved before the rest of the range: nothing more to create.
  EXPECT_EQ(store_->AdvanceBackfill("b1", kT0 + kHour, {}, std::nullopt, kT0 + 5), 0u);
  EXPECT_EQ(store_->GetBackfill("b1")->backfill.status, BackfillStatus::kCompleted);
  EXPECT_EQ(store_->GetBackfill("b1")->backfill.finished_at, kT0 + 5);
}

TEST_P(StateStoreConformance, ACancelledBackfillIsNotPlannedFurther) {
  AddExport("e1");
  BackfillRecord b;
  b.id = "b1";
  b.export_id = "e1";
  b.total_runs = 1000000;
  b.created_at = kT0;
  store_->InsertBackfill(b, HourRuns("b", 0, 2), kT0 + 2 * kHour);
  ASSERT_TRUE(store_->CancelBackfill("b1", kT0));
  EXPECT_TRUE(store_->BackfillsToPlan(10).empty());
  EXPECT_FALSE(
      store_->AdvanceBackfill("b1", kT0 + 2 * kHour, HourRuns("b", 2, 3), std::nullopt, kT0));
  EXPECT_EQ(store_->GetBackfill("b1")->backfill.status, BackfillStatus::kCancelled);
  EXPECT_EQ(store_->ListRuns("e1", std::nullopt, std::nullopt, 10).size(), 2u);
}

TEST_P(StateStoreConformance, LogLinesInOrderInPages) {
  for (int i = 0; i < 5; ++i) {
    store_->AppendLog("r1", LogLine{kT0 + i, "info", "line " + std::to_string(i)});
  }
  store_->AppendLog("r2", LogLine{kT0, "error", "other run"});
  auto page1 = store_->ListLogs("r1", std::nullopt, 3);
  ASSERT_EQ(page1.size(), 3u);
  EXPECT_EQ(page1[0].second.message, "line 0");
  auto page2 = store_->ListLogs("r1", page1.back().first, 3);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[1].second.message, "line 4");
  EXPECT_EQ(page2[1].second.at, kT0 + 4);
  EXPECT_EQ(page2[1].second.level, "info");
}

TEST_P(StateStoreConformance, ExportLogsAreTheLinesOfItsRunsNewestFirstInPages) {
  AddExport("e1");
  AddExport("e2");
  Schedule("e1", 2);
  Schedule("e2", 1);
  // Interleaved across the runs of e1, with a line of e2 and one of an unknown run between.
  store_->AppendLog("e1-r0", LogLine{kT0, "info", "e1 run 0 started"});
  store_->AppendLog("e2-r0", LogLine{kT0 + 1, "info", "e2 run 0 started"});
  store_->AppendLog("e1-r1", LogLine{kT0 + 2, "info", "e1 run 1 started"});
  store_->AppendLog("nope", LogLine{kT0 + 3, "info", "no such run"});
  store_->AppendLog("e1-r0", LogLine{kT0 + 4, "error", "e1 run 0 failed"});
  auto page1 = store_->ListExportLogs("e1", std::nullopt, 2);
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].second.line.message, "e1 run 0 failed");
  EXPECT_EQ(page1[0].second.run_id, "e1-r0");
  EXPECT_EQ(page1[0].second.line.level, "error");
  EXPECT_EQ(page1[0].second.line.at, kT0 + 4);
  EXPECT_EQ(page1[1].second.run_id, "e1-r1");
  auto page2 = store_->ListExportLogs("e1", page1.back().first, 2);
  ASSERT_EQ(page2.size(), 1u);
  EXPECT_EQ(page2[0].second.line.message, "e1 run 0 started");
  EXPECT_TRUE(store_->ListExportLogs("e1", page2.back().first, 2).empty());
  EXPECT_EQ(store_->ListExportLogs("e2", std::nullopt, 10).size(), 1u);
  EXPECT_TRUE(store_->ListExportLogs("nope", std::nullopt, 10).empty());
}

TEST_P(StateStoreConformance, CountsAndRecentStatuses) {
  AddExport("e1");
  Schedule("e1", 4);
  for (RunStatus s : {RunStatus::kFailed, RunStatus::kCompleted, RunStatus::kFailed}) {
    auto r = Claim(kT0);
    store_->FinishRun(r->run.id, r->fencing_token, Outcome(s, kT0 + kSecond));
  }
  auto counts = store_->CountRunsByStatus();
  EXPECT_EQ(counts[RunStatus::kFailed], 2u);
  EXPECT_EQ(counts[RunStatus::kCompleted], 1u);
  EXPECT_EQ(counts[RunStatus::kStarting], 1u);
  EXPECT_EQ(store_->RecentFinishedStatuses("e1", 2),
            (std::vector<RunStatus>{RunStatus::kFailed, RunStatus::kCompleted}));
  EXPECT_EQ(store_->CountDueRuns(kT0), 1u);
}

TEST_P(StateStoreConformance, LastCompletedIntervalEndIsTheLatestIntervalNotTheLatestRun) {
  AddExport("e1");
  Schedule("e1", 4);
  std::vector<StoredRun> claimed;
  for (int i = 0; i < 4; ++i) claimed.push_back(*Claim(kT0, "w" + std::to_string(i)));
  // Hour 2 completes first, hour 0 last (a retry of an old interval), hour 3 fails, hour 1 will
  // be retried: the end of hour 2 is how far e1 is exported.
  auto finish = [&](int hour, RunStatus status, Micros at) {
    ASSERT_TRUE(
        store_->FinishRun(claimed[hour].run.id, claimed[hour].fencing_token, Outcome(status, at)));
  };
  finish(2, RunStatus::kCompleted, kT0 + kSecond);
  finish(3, RunStatus::kFailed, kT0 + 2 * kSecond);
  finish(1, RunStatus::kFailedRetryable, kT0 + 3 * kSecond);
  finish(0, RunStatus::kCompleted, kT0 + 4 * kSecond);
  // e2 never completed a run; e3 did but is deleted.
  AddExport("e2");
  Schedule("e2", 1);
  auto e2 = Claim(kT0 + 4 * kSecond);
  ASSERT_TRUE(e2);
  ASSERT_EQ(e2->run.export_id, "e2");
  store_->FinishRun(e2->run.id, e2->fencing_token, Outcome(RunStatus::kFailed, kT0 + 5 * kSecond));
  AddExport("e3");
  Schedule("e3", 1);
  auto e3 = Claim(kT0 + 4 * kSecond);  // before e1's hour 1 is due again
  ASSERT_TRUE(e3);
  ASSERT_EQ(e3->run.export_id, "e3");
  store_->FinishRun(e3->run.id, e3->fencing_token,
                    Outcome(RunStatus::kCompleted, kT0 + 6 * kSecond));
  EXPECT_EQ(store_->LastCompletedIntervalEnds(),
            (std::map<std::string, Micros>{{"e1", kT0 + 3 * kHour}, {"e3", kT0 + kHour}}));
  store_->DeleteExport("e3", kT0 + 7 * kSecond);
  EXPECT_EQ(store_->LastCompletedIntervalEnds(),
            (std::map<std::string, Micros>{{"e1", kT0 + 3 * kHour}}));
}

TEST_P(StateStoreConformance, ConcurrentWorkersClaimEveryRunExactlyOnce) {
  AddExport("e1");
  Schedule("e1", 200);
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (auto r = Claim(kT0, "w" + std::to_string(t))) {
        store_->FinishRun(r->run.id, r->fencing_token, Outcome(RunStatus::kCompleted, kT0));
        std::lock_guard lock(mu);
        claimed.insert(r->run.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.size(), 200u);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), 200u);
}

}  // namespace bx::conformance
