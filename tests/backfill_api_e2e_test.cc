// Issue 5 over the REST API of a real `batch-export serve`: a backfill of a week of hourly
// intervals makes 168 runs, all Completed, with its progress visible while it runs, and files
// byte-identical (keys and contents) to the same intervals exported by `batch-export export`,
// which runs the per-interval export the scheduler's runs run. A backfill cancelled mid-way
// leaves no run Running.

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "e2e_support.h"
#include "serve_process.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kHours = 7 * 24;
constexpr const char* kWeekStart = "2024-01-01";
constexpr const char* kWeekEnd = "2024-01-08";

class BackfillApiE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = dir_.path() / "events.db";
    const auto gen = e2e::RunBinary({"events", "generate", "--source", store_.string(), "--count",
                                     "20000", "--start", kWeekStart, "--end", kWeekEnd});
    ASSERT_EQ(gen.status, 0) << gen.output;
    server_ = std::make_unique<e2e::ServeProcess>(
        dir_.path(), std::vector<std::string>{"--data-dir", (dir_.path() / "bx").string(),
                                              "--source", store_.string(), "--workers", "2"});
    ASSERT_TRUE(server_->started()) << server_->Stdout() << server_->Stderr();
    std::string token = e2e::ReadFile(dir_.path() / "bx" / "api-token");
    while (!token.empty() && token.back() == '\n') token.pop_back();
    api_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    api_->set_bearer_token_auth(token);
  }

  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->Terminate(), 0) << server_->Stderr();
    }
  }

  // One API call that must answer `status`; the body parsed (null when empty or on failure).
  json Call(const std::string& method, const std::string& path, const json& body, int status) {
    httplib::Result r =
        method == "GET" ? api_->Get(path) : api_->Post(path, body.dump(), "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << method << " " << path << ": " << r->body;
    return r->body.empty() ? json() : json::parse(r->body, nullptr, false);
  }

  // An hourly gzip JSON lines export to `out`, bounded to the week so that the scheduler creates
  // no run of the current hour while the test runs: every run is a backfill's.
  json Definition(const std::string& name, const fs::path& out) const {
    return {{"name", name},
            {"model", "events"},
            {"interval", "hour"},
            {"start_at", "2024-01-01T00:00:00Z"},
            {"end_at", "2024-01-08T00:00:00Z"},
            {"destination",
             {{"type", "File"},
              {"config",
               {{"path", out.string()},
                {"prefix", "events/{year}/{month}/{day}"},
                {"file_format", "JSONLines"},
                {"compression", "gzip"}}}}}};
  }

  std::string CreateExport(const json& definition) {
    const json e = Call("POST", "/api/batch_exports", definition, 201);
    return e.is_object() ? e.value("id", "") : "";
  }

  json CreateWeekBackfill(const std::string& export_id) {
    return Call("POST", "/api/batch_exports/" + export_id + "/backfills",
                {{"start_at", kWeekStart}, {"end_at", kWeekEnd}}, 201);
  }

  json GetBackfill(const std::string& export_id, const std::string& backfill_id) {
    return Call("GET", "/api/batch_exports/" + export_id + "/backfills/" + backfill_id, nullptr,
                200);
  }

  // Every run of the export (at most 1000: one page).
  json Runs(const std::string& export_id) {
    const json page =
        Call("GET", "/api/batch_exports/" + export_id + "/runs?limit=1000", nullptr, 200);
    EXPECT_TRUE(page.is_object() && page["next"].is_null()) << page.dump();
    return page.is_object() ? page["results"] : json::array();
  }

  static std::map<std::string, int> CountByStatus(const json& runs) {
    std::map<std::string, int> out;
    for (const json& run : runs) ++out[run["status"].get<std::string>()];
    return out;
  }

  static std::string Describe(const std::map<std::string, int>& counts) {
    std::string out;
    for (const auto& [status, n] : counts) out += status + "=" + std::to_string(n) + " ";
    return out;
  }

  testing::TempDir dir_;
  fs::path store_;
  std::unique_ptr<e2e::ServeProcess> server_;
  std::unique_ptr<httplib::Client> api_;
};

TEST_F(BackfillApiE2e, WeekOfHoursMatchesTheCliExportAndCancelLeavesNothingRunning) {
  const auto test_started = Clock::now();

  // --- A week backfilled: progress while it runs, then 168 Completed runs.
  const fs::path api_out = dir_.path() / "api-out";
  const std::string id = CreateExport(Definition("week to files", api_out));
  ASSERT_FALSE(id.empty());
  json bf = CreateWeekBackfill(id);
  ASSERT_TRUE(bf.is_object());
  const std::string bf_id = bf["id"];
  EXPECT_EQ(bf["total_runs"], kHours);
  EXPECT_EQ(bf["status"], "Running");

  std::set<uint64_t> seen_finished;  // finished_runs values seen while the backfill ran
  for (const auto deadline = Clock::now() + std::chrono::seconds(60);
       bf["status"] == "Running" && Clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    bf = GetBackfill(id, bf_id);
    ASSERT_TRUE(bf.is_object());
    if (bf["status"] == "Running") {
      const uint64_t finished = bf["finished_runs"];
      seen_finished.insert(finished);
      EXPECT_EQ(bf["progress"], std::to_string(finished) + "/" + std::to_string(kHours));
    }
  }
  ASSERT_EQ(bf["status"], "Completed") << bf.dump();
  EXPECT_EQ(bf["finished_runs"], kHours);
  EXPECT_EQ(bf["progress"], "168/168");
  EXPECT_FALSE(bf["finished_at"].is_null());
  const bool progress_seen =
      std::any_of(seen_finished.begin(), seen_finished.end(),
                  [](uint64_t n) { return n > 0 && n < static_cast<uint64_t>(kHours); });
  EXPECT_TRUE(progress_seen) << "no progress strictly between 0 and 168 seen in "
                             << seen_finished.size() << " polls";

  const json runs = Runs(id);
  ASSERT_EQ(runs.size(), static_cast<size_t>(kHours));
  std::set<Micros> starts;
  uint64_t rows = 0;
  for (const json& run : runs) {
    EXPECT_EQ(run["status"], "Completed") << run.dump();
    EXPECT_EQ(run["backfill_id"], bf_id) << run.dump();
    const Micros start = ParseIsoTime(run["data_interval_start"].get<std::string>(), "start");
    const Micros end = ParseIsoTime(run["data_interval_end"].get<std::string>(), "end");
    EXPECT_EQ(end - start, 3600 * kMicrosPerSecond) << run.dump();
    starts.insert(start);
    rows += run["records_completed"].get<uint64_t>();
  }
  std::set<Micros> week;
  for (int h = 0; h < kHours; ++h)
    week.insert(FromCivilUtc(2024, 1, 1) + h * 3600 * kMicrosPerSecond);
  EXPECT_EQ(starts, week) << "the runs' intervals are the week's 168 hours, each once";

  // --- The same intervals exported by the CLI, with the same definition into another directory.
  const fs::path cli_out = dir_.path() / "cli-out";
  const fs::path config = dir_.path() / "cli-export.json";
  e2e::WriteFile(config, Definition("week to files", cli_out).dump());
  const auto cli = e2e::RunBinary({"export", "--source", store_.string(), "--config",
                                   config.string(), "--start", kWeekStart, "--end", kWeekEnd});
  ASSERT_EQ(cli.status, 0) << cli.output;
  EXPECT_NE(cli.output.find("168 runs, 0 failed"), std::string::npos) << cli.output;

  const auto api_files = e2e::ListFiles(api_out);
  const auto cli_files = e2e::ListFiles(cli_out);
  ASSERT_FALSE(api_files.empty());
  std::vector<std::string> api_keys, cli_keys;
  for (const auto& [key, size] : api_files) api_keys.push_back(key);
  for (const auto& [key, size] : cli_files) cli_keys.push_back(key);
  EXPECT_EQ(api_keys, cli_keys) << "the same keys";
  EXPECT_EQ(api_keys.front().rfind("events/2024/01/", 0), 0u) << api_keys.front();
  uint64_t lines = 0;
  for (const auto& [key, size] : api_files) {
    if (!cli_files.count(key)) continue;
    EXPECT_TRUE(e2e::ReadFile(api_out / key) == e2e::ReadFile(cli_out / key))
        << key << " differs between the backfill and the CLI export";
    lines += e2e::Lines(e2e::Decompress(api_out / key)).size();
  }
  EXPECT_GT(rows, 0u);
  EXPECT_EQ(lines, rows) << "the runs' records_completed add up to the rows in the files";
  EXPECT_EQ(rows, e2e::StoreUuids(store_).size()) << "every event of the week exported once";

  // --- A second week backfill, cancelled once some runs have completed.
  const std::string cancel_id =
      CreateExport(Definition("week to files, cancelled", dir_.path() / "cancel-out"));
  ASSERT_FALSE(cancel_id.empty());
  json cbf = CreateWeekBackfill(cancel_id);
  ASSERT_TRUE(cbf.is_object());
  const std::string cbf_id = cbf["id"];
  for (const auto deadline = Clock::now() + std::chrono::seconds(30);
       cbf["finished_runs"] == 0 && Clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    cbf = GetBackfill(cancel_id, cbf_id);
    ASSERT_TRUE(cbf.is_object());
  }
  ASSERT_EQ(cbf["status"], "Running") << "finished before it could be cancelled: " << cbf.dump();
  ASSERT_GT(cbf["finished_runs"].get<uint64_t>(), 0u);

  cbf = Call("POST", "/api/batch_exports/" + cancel_id + "/backfills/" + cbf_id + "/cancel",
             nullptr, 200);
  ASSERT_TRUE(cbf.is_object());
  EXPECT_EQ(cbf["status"], "Cancelled") << cbf.dump();

  // No run stays Running: wait until none is (a worker may be mid-run), then it stays so.
  json cruns;
  for (const auto deadline = Clock::now() + std::chrono::seconds(30); Clock::now() < deadline;) {
    cruns = Runs(cancel_id);
    if (CountByStatus(cruns).count("Running") == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto after_cancel = CountByStatus(cruns);
  EXPECT_EQ(after_cancel.count("Running"), 0u) << Describe(after_cancel);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  cruns = Runs(cancel_id);
  const auto later = CountByStatus(cruns);
  EXPECT_EQ(later, after_cancel) << "runs changed after the cancel: " << Describe(later);
  ASSERT_EQ(cruns.size(), static_cast<size_t>(kHours));
  const int completed = later.count("Completed") ? later.at("Completed") : 0;
  const int cancelled = later.count("Cancelled") ? later.at("Cancelled") : 0;
  EXPECT_GT(completed, 0) << Describe(later);
  EXPECT_LT(completed, kHours) << Describe(later);
  EXPECT_EQ(completed + cancelled, kHours)
      << "every run Completed or Cancelled: " << Describe(later);

  cbf = GetBackfill(cancel_id, cbf_id);
  EXPECT_EQ(cbf["status"], "Cancelled") << cbf.dump();
  EXPECT_FALSE(cbf["finished_at"].is_null()) << cbf.dump();
  EXPECT_EQ(cbf["finished_runs"], kHours) << "cancelled runs count as finished: " << cbf.dump();

  const double seconds = std::chrono::duration<double>(Clock::now() - test_started).count();
  RecordProperty("seconds", std::to_string(seconds));
  std::printf(
      "progress polls: %zu distinct finished_runs values; cancelled after %d runs; %.1f s\n",
      seen_finished.size(), completed, seconds);
}

}  // namespace
}  // namespace bx
