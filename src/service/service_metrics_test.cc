// /metrics' per-export series as the service collects them: this process's counters joined with
// the live exports' names and the store's last successful interval end; deleted exports drop out.
#include <atomic>

#include "service/run_metrics.h"
#include "testing/files_destination.h"
#include "testing/memory_object_store.h"
#include "testing/scripted_faults.h"
#include "testing/service_test_support.h"

namespace bx::service_test {
namespace {

const ExportMetrics* Find(const MetricsSnapshot& m, const std::string& id) {
  for (const ExportMetrics& e : m.exports) {
    if (e.export_id == id) return &e;
  }
  return nullptr;
}

uint64_t Observations(const ExportMetrics& e, const std::string& status) {
  auto it = e.attempt_seconds.find(status);
  if (it == e.attempt_seconds.end()) return 0;
  uint64_t n = 0;
  for (uint64_t c : it->second.counts) n += c;
  return n;
}

TEST_F(ServiceTest, MetricsCountEachExportsRunsAndDropDeletedExports) {
  Generate(500, At("2024-01-15T09:00:00Z"), At("2024-01-15T10:00:00Z"));
  auto memory = std::make_shared<bx::testing::MemoryObjectStore>();
  auto flaky = std::make_shared<std::atomic<int>>(2);      // the good export's first two opens
  auto broken = std::make_shared<std::atomic<int>>(1000);  // every open of the bad one
  auto sound = std::make_shared<std::atomic<int>>(0);
  ServiceOptions o = Options();
  o.destination_factory = [&](const ExportDefinition& def) {
    const bool bad = def.name.rfind("bad", 0) == 0;
    return bx::testing::FilesDestination(
        std::make_shared<bx::testing::FlakyObjectStore>(
            memory,
            bad                  ? broken
            : def.name == "good" ? flaky
                                 : sound,
            bad ? Error(ErrorKind::kNonRetryable, "AccessDenied", "no")
                : Error(ErrorKind::kRetryable, "ServiceUnavailable", "try later")),
        def);
  };
  auto service = Start(o);
  nlohmann::json good_json = ExportJson("hour", out());
  good_json["name"] = "good";
  nlohmann::json bad_json = good_json;
  bad_json["name"] = "bad \"one\"";
  bad_json["destination"]["config"]["path"] = out("bad").string();  // one place per export
  nlohmann::json gone_json = good_json;
  gone_json["name"] = "deleted later";
  gone_json["destination"]["config"]["path"] = out("gone").string();
  const std::string good = service->CreateExport(good_json).id;
  const std::string bad = service->CreateExport(bad_json).id;
  const std::string gone = service->CreateExport(gone_json).id;

  MetricsSnapshot before = service->Metrics();
  ASSERT_EQ(before.exports.size(), 3u);
  EXPECT_EQ(before.exports[0].export_id, good);  // oldest first
  EXPECT_EQ(before.exports[1].export_name, "bad \"one\"");
  EXPECT_EQ(before.exports[0].runs_completed + before.exports[0].attempts, 0u);
  EXPECT_FALSE(before.exports[0].last_success_interval_end);

  for (const std::string& id : {good, bad, gone}) {
    service->CreateBackfill(
        id, {{"start_at", "2024-01-15T09:00:00Z"}, {"end_at", "2024-01-15T10:00:00Z"}});
  }
  AdvanceTo(*service, clock_->Now() + 5 * kSecond, kSecond);  // past the retries' backoff
  ASSERT_TRUE(service->WaitIdle());
  ASSERT_EQ(AllRuns(*service, gone, RunStatus::kCompleted).size(), 1u);
  service->DeleteExport(gone);

  const MetricsSnapshot m = service->Metrics();
  ASSERT_EQ(m.exports.size(), 2u);
  EXPECT_FALSE(Find(m, gone));
  const ExportMetrics* g = Find(m, good);
  const ExportMetrics* b = Find(m, bad);
  ASSERT_TRUE(g && b);
  EXPECT_EQ(g->export_name, "good");
  EXPECT_EQ(g->runs_completed, 1u);
  EXPECT_EQ(g->runs_failed, 0u);
  EXPECT_EQ(g->attempts, 3u);
  EXPECT_EQ(g->retries, 2u);
  EXPECT_EQ(g->rows_exported, 500u);
  EXPECT_EQ(g->bytes_exported, AllRuns(*service, good)[0].bytes_exported);
  EXPECT_GT(g->bytes_exported, 0u);
  EXPECT_EQ(Observations(*g, "Completed"), 1u);
  EXPECT_EQ(Observations(*g, "FailedRetryable"), 2u);
  EXPECT_EQ(g->last_success_interval_end, std::optional<Micros>(At("2024-01-15T10:00:00Z")));

  EXPECT_EQ(b->runs_failed, 1u);
  EXPECT_EQ(b->runs_completed, 0u);
  EXPECT_EQ(b->attempts, 1u);
  EXPECT_EQ(b->retries, 0u);
  EXPECT_EQ(b->rows_exported, 0u);
  EXPECT_EQ(Observations(*b, "Failed"), 1u);
  EXPECT_FALSE(b->last_success_interval_end);
}

TEST(RunMetrics, CountsOnlyWhatEndedHere) {
  RunMetrics metrics;
  AttemptReport completed;
  completed.recorded = true;
  completed.rows = 10;
  completed.bytes = 100;
  completed.seconds = 0.3;
  metrics.Record("e1", completed, false);
  AttemptReport lost = completed;  // the lease was taken over: another worker finishes it
  lost.recorded = false;
  metrics.Record("e1", lost, false);
  AttemptReport handed_back;  // shutdown
  handed_back.status = RunStatus::kStarting;
  handed_back.recorded = true;
  metrics.Record("e1", handed_back, false);
  AttemptReport cancelled;
  cancelled.status = RunStatus::kCancelled;
  metrics.Record("e1", cancelled, true);
  AttemptReport taken_over = cancelled;
  metrics.Record("e1", taken_over, false);

  const auto snapshot = metrics.Snapshot();
  ASSERT_EQ(snapshot.size(), 1u);
  const ExportMetrics& e = snapshot.at("e1");
  EXPECT_EQ(e.attempts, 1u);
  EXPECT_EQ(e.runs_completed, 1u);
  EXPECT_EQ(e.runs_cancelled, 1u);
  EXPECT_EQ(e.rows_exported, 10u);
  EXPECT_EQ(e.bytes_exported, 100u);
  const SecondsHistogram& h = e.attempt_seconds.at("Completed");
  ASSERT_EQ(h.counts.size(), RunMetrics::DurationBounds().size() + 1);
  EXPECT_EQ(h.counts[1], 1u);  // 0.3 s: above 0.1, at most 0.5
  EXPECT_DOUBLE_EQ(h.sum, 0.3);

  metrics.Forget({"e1"});
  EXPECT_TRUE(metrics.Snapshot().empty());
}

TEST(RunMetrics, ABoundIsItsBucketsUpperEdgeAndLongAttemptsGoToTheLast) {
  RunMetrics metrics;
  AttemptReport r;
  r.recorded = true;
  r.seconds = 0.5;
  metrics.Record("e", r, false);
  r.seconds = 1e6;
  metrics.Record("e", r, false);
  const SecondsHistogram h = metrics.Snapshot().at("e").attempt_seconds.at("Completed");
  EXPECT_EQ(h.counts[1], 1u);  // le="0.5" holds 0.5
  EXPECT_EQ(h.counts.back(), 1u);
}

}  // namespace
}  // namespace bx::service_test
