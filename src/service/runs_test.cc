// Workers: retries with backoff, non-retryable failures, auto-pause, secrets, manual retry.
#include <algorithm>
#include <atomic>
#include <thread>

#include "service/run_executor.h"
#include "testing/files_destination.h"
#include "testing/memory_object_store.h"
#include "testing/scripted_faults.h"
#include "testing/service_test_support.h"

namespace bx::service_test {
namespace {

bool Contains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

TEST_F(ServiceTest, RetryableFailuresAreRetriedWithBackoffUntilTheRunCompletes) {
  Generate(500, At("2024-01-15T10:00:00Z"), At("2024-01-15T11:00:00Z"));
  auto memory = std::make_shared<bx::testing::MemoryObjectStore>();
  auto failures = std::make_shared<std::atomic<int>>(2);
  ServiceOptions o = Options();
  o.destination_factory = [&](const ExportDefinition& def) {
    return bx::testing::FilesDestination(
        std::make_shared<bx::testing::FlakyObjectStore>(
            memory, failures, Error(ErrorKind::kRetryable, "ServiceUnavailable", "try later")),
        def);
  };
  auto service = Start(o);
  const std::string id = service->CreateExport(ExportJson("hour", out())).id;
  clock_->Set(At("2024-01-15T11:01:00Z"));
  ASSERT_TRUE(service->WaitIdle());
  auto runs = AllRuns(*service, id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, RunStatus::kFailedRetryable);
  EXPECT_EQ(runs[0].latest_error, "ServiceUnavailable: try later");
  EXPECT_EQ(runs[0].next_attempt_at, clock_->Now() + kSecond);

  clock_->Advance(kSecond);
  ASSERT_TRUE(service->WaitIdle());
  EXPECT_EQ(service->GetRun(id, runs[0].id).next_attempt_at, clock_->Now() + 2 * kSecond);
  clock_->Advance(2 * kSecond);
  ASSERT_TRUE(service->WaitIdle());

  const RunRecord run = service->GetRun(id, runs[0].id);
  EXPECT_EQ(run.status, RunStatus::kCompleted);
  EXPECT_EQ(run.attempts, 3u);
  EXPECT_EQ(run.records_completed, 500u);
  EXPECT_GT(run.bytes_exported, 0u);
  EXPECT_EQ(AllRuns(*service, id).size(), 1u);
  EXPECT_EQ(memory->objects().size(), 1u);
  const auto logs = Logs(*service, id, run.id);
  EXPECT_TRUE(Contains(logs, "Attempt 1 failed: ServiceUnavailable: try later; retrying in 1 s"));
  EXPECT_TRUE(Contains(logs, "Attempt 2 failed: ServiceUnavailable: try later; retrying in 2 s"));
  EXPECT_TRUE(Contains(logs, "Exported 500 rows"));
  EXPECT_TRUE(Contains(logs, "in 1 file to memory://events/2024/01/15/"));
}

TEST_F(ServiceTest, NonRetryableErrorFailsTheRunAtOnce) {
  Generate(100, At("2024-01-15T10:00:00Z"), At("2024-01-15T11:00:00Z"));
  auto failures = std::make_shared<std::atomic<int>>(1000);
  ServiceOptions o = Options();
  o.destination_factory = [&](const ExportDefinition& def) {
    return bx::testing::FilesDestination(
        std::make_shared<bx::testing::FlakyObjectStore>(
            std::make_shared<bx::testing::MemoryObjectStore>(), failures,
            Error(ErrorKind::kNonRetryable, "AccessDenied", "the key may not write to bucket b")),
        def);
  };
  auto service = Start(o);
  const std::string id = service->CreateExport(ExportJson("hour", out())).id;
  clock_->Set(At("2024-01-15T11:01:00Z"));
  ASSERT_TRUE(service->WaitIdle());
  clock_->Advance(kHour - kMinute);  // long past any backoff; still the same hour's run only
  ASSERT_TRUE(service->WaitIdle());
  auto runs = AllRuns(*service, id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, RunStatus::kFailed);
  EXPECT_EQ(runs[0].latest_error, "AccessDenied: the key may not write to bucket b");
  EXPECT_EQ(runs[0].attempts, 1u);
  EXPECT_TRUE(runs[0].finished_at);
  EXPECT_TRUE(Contains(Logs(*service, id, runs[0].id),
                       "Failed after 1 attempt: AccessDenied: the key may not write"));
}

TEST_F(ServiceTest, RetryableErrorsFailTheRunAfterMaxAttempts) {
  ServiceOptions o = Options();
  o.retry.max_attempts = 3;
  o.source = std::make_shared<bx::testing::FailingSource>(
      Error(ErrorKind::kRetryable, "SourceUnavailable", "store busy"));
  auto service = Start(o);
  const std::string id = service->CreateExport(ExportJson("hour", out())).id;
  clock_->Set(At("2024-01-15T11:01:00Z"));
  AdvanceTo(*service, clock_->Now() + 10 * kSecond, kSecond);
  auto runs = AllRuns(*service, id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, RunStatus::kFailed);
  EXPECT_EQ(runs[0].attempts, 3u);
  EXPECT_EQ(runs[0].latest_error, "SourceUnavailable: store busy");
}

TEST_F(ServiceTest, ExportPausesItselfAfterTenFailedRuns) {
  ServiceOptions o = Options();
  o.workers = 1;
  o.source = std::make_shared<bx::testing::FailingSource>(
      Error(ErrorKind::kNonRetryable, "InvalidQuery", "no such table"));
  auto service = Start(o);
  const std::string id = service->CreateExport(ExportJson("every 5 minutes", out())).id;
  clock_->Set(At("2024-01-15T11:10:30Z"));  // 11 intervals due: 10:15-10:20 .. 11:05-11:10
  ASSERT_TRUE(service->WaitIdle());
  EXPECT_TRUE(service->GetExport(id).definition.paused);
  EXPECT_EQ(AllRuns(*service, id, RunStatus::kFailed).size(), 10u);
  EXPECT_EQ(AllRuns(*service, id, RunStatus::kStarting).size(), 1u);  // wait for the unpause
  bool said_why = false;
  for (const RunRecord& r : AllRuns(*service, id, RunStatus::kFailed)) {
    said_why |= Contains(Logs(*service, id, r.id), "Paused the export: 10 of its last 10");
  }
  EXPECT_TRUE(said_why);
}

TEST_F(ServiceTest, ManualRetryRerunsAFinishedRunAndRefusesARunningOne) {
  auto service = Start();
  const std::string id = service->CreateExport(ExportJson("hour", out())).id;
  clock_->Set(At("2024-01-15T11:01:00Z"));
  ASSERT_TRUE(service->WaitIdle());
  const RunRecord run = AllRuns(*service, id)[0];
  service->PauseExport(id);  // holds the retried run in the queue
  EXPECT_EQ(service->RetryRun(id, run.id).status, RunStatus::kStarting);
  try {
    service->RetryRun(id, run.id);
    ADD_FAILURE() << "a queued run was retried";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "Conflict");
  }
  service->UnpauseExport(id, false);
  ASSERT_TRUE(service->WaitIdle());
  EXPECT_EQ(service->GetRun(id, run.id).status, RunStatus::kCompleted);
  EXPECT_THROW(service->GetRun(id, "no-such-run"), Error);
}

TEST_F(ServiceTest, SecretsAreNeverRenderedAndPatchesKeepThem) {
  auto service = Start();
  nlohmann::json body = ExportJson("hour", out());
  body["destination"]["type"] = "S3";
  body["destination"]["config"] = {{"bucket_name", "my-bucket"},
                                   {"region", "us-east-1"},
                                   {"aws_access_key_id", "AKIAEXAMPLE"},
                                   {"aws_secret_access_key", "TOPSECRET123"}};
  ExportRecord e;
  try {
    e = service->CreateExport(body);
  } catch (const Error& err) {
    GTEST_SKIP() << "no S3 destination in this build: " << err.Describe();
  }
  const std::string rendered = ToJson(e).dump();
  EXPECT_EQ(rendered.find("TOPSECRET123"), std::string::npos);
  EXPECT_EQ(ToJson(e)["destination"]["config"]["aws_secret_access_key"],
            nlohmann::json({{"set", true}}));
  // The UI sends back what it got: the secret keeps its value.
  nlohmann::json patch = ToJson(e);
  patch["name"] = "renamed";
  const ExportRecord updated = service->UpdateExport(e.id, patch);
  EXPECT_EQ(updated.definition.name, "renamed");
  EXPECT_EQ(updated.config["destination"]["config"]["aws_secret_access_key"], "TOPSECRET123");
  EXPECT_EQ(ToJson(service->ListExports({}).results[0]).dump().find("TOPSECRET123"),
            std::string::npos);

  // A secret inside a nested object (Redshift's copy_inputs) is kept as well.
  nlohmann::json redshift = ExportJson("hour", out());
  redshift["name"] = "redshift";
  redshift["destination"] = {{"type", "Redshift"},
                             {"config",
                              {{"host", "127.0.0.1"},
                               {"database", "dev"},
                               {"user", "loader"},
                               {"password", "PGSECRET456"},
                               {"mode", "copy"},
                               {"copy_inputs",
                                {{"bucket_name", "my-bucket"},
                                 {"region", "us-east-1"},
                                 {"aws_access_key_id", "AKIAEXAMPLE"},
                                 {"aws_secret_access_key", "NESTEDSECRET789"}}}}}};
  const ExportRecord r = service->CreateExport(redshift);
  nlohmann::json rendered_redshift = ToJson(r);
  EXPECT_EQ(rendered_redshift.dump().find("NESTEDSECRET789"), std::string::npos);
  rendered_redshift["name"] = "redshift renamed";
  const ExportRecord kept = service->UpdateExport(r.id, rendered_redshift);
  EXPECT_EQ(kept.config["destination"]["config"]["copy_inputs"]["aws_secret_access_key"],
            "NESTEDSECRET789");
  EXPECT_EQ(kept.config["destination"]["config"]["password"], "PGSECRET456");
}

TEST(RunExecutor, BackoffDoublesFromOneSecondUpToTheCap) {
  RetryPolicy retry;
  retry.max_backoff = 10 * kSecond;
  EXPECT_EQ(RunExecutor::Backoff(retry, 1), kSecond);
  EXPECT_EQ(RunExecutor::Backoff(retry, 2), 2 * kSecond);
  EXPECT_EQ(RunExecutor::Backoff(retry, 4), 8 * kSecond);
  EXPECT_EQ(RunExecutor::Backoff(retry, 5), 10 * kSecond);
  EXPECT_EQ(RunExecutor::Backoff(retry, 60), 10 * kSecond);
}

// A destination whose check never answers until it is cancelled (an unreachable endpoint).
class SilentDestination : public Destination {
 public:
  void Check() override {
    while (!cancel_ || !cancel_->load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    throw CancelledError();
  }
  std::unique_ptr<IntervalWriter> Open(const IntervalTarget&) override { return nullptr; }
  std::string Location() const override { return "silent://"; }
  void SetCancel(const std::atomic<bool>* cancel) override { cancel_ = cancel; }

 private:
  const std::atomic<bool>* cancel_ = nullptr;
};

// A check against an unreachable endpoint took 17-20 s and held an API thread; a dozen held
// them all.
TEST_F(ServiceTest, ChecksHaveADeadlineAndOnlyAFewRunAtOnce) {
  ServiceOptions o = Options();
  o.check_deadline = std::chrono::milliseconds(300);
  o.destination_factory = [](const ExportDefinition&) {
    return std::make_unique<SilentDestination>();
  };
  auto service = Start(o);
  const std::string id = service->CreateExport(ExportJson("hour", out())).id;
  const auto started = std::chrono::steady_clock::now();
  try {
    service->CheckExport(id);
    FAIL() << "a silent destination passed its check";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "CheckTimeout");
    EXPECT_EQ(e.kind(), ErrorKind::kNonRetryable);
    EXPECT_NE(e.message().find("the check failed: the destination did not answer within 0.3 s"),
              std::string::npos)
        << e.message();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));

  // Four at once; a fifth is refused at once instead of waiting for a thread.
  std::vector<std::thread> checks;
  std::atomic<int> timed_out{0};
  for (int i = 0; i < 4; ++i) {
    checks.emplace_back([&] {
      try {
        service->CheckExport(id);
      } catch (const Error& e) {
        timed_out += e.type() == "CheckTimeout";
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto fifth = std::chrono::steady_clock::now();
  try {
    service->CheckExport(id);
    FAIL() << "a fifth concurrent check ran";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "TooManyRequests") << e.Describe();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - fifth, std::chrono::milliseconds(100));
  for (auto& t : checks) t.join();
  EXPECT_EQ(timed_out.load(), 4);
}

}  // namespace
}  // namespace bx::service_test
