// /metrics of a real `batch-export serve` after a failing and a succeeding export: `promtool
// check metrics` (Debian's prometheus package) finds nothing to say, and the per-export series
// hold what the runs did; a deleted export's series drop out.

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "serve_e2e_fixture.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// An export name with what the exposition format must escape (quote, backslash, newline) and a
// control character, and how it must appear as a label value.
const std::string kHostileName = "bad \"export\" C:\\out\nline two \x01 end";
const std::string kHostileLabel = "bad \\\"export\\\" C:\\\\out\\nline two \xEF\xBF\xBD end";

constexpr int64_t kDayStart = 1704067200;  // 2024-01-01T00:00:00Z

class MetricsE2e : public e2e::ServeE2e {
 protected:
  void SetUp() override {
    ServeE2e::SetUp();
    if (HasFatalFailure()) return;
    api_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    api_->set_bearer_token_auth(token_);
  }

  json Call(const std::string& method, const std::string& path, const std::string& body,
            int status) {
    auto r = method == "POST"     ? api_->Post(path, body, "application/json")
             : method == "DELETE" ? api_->Delete(path)
                                  : api_->Get(path);
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << method << " " << path << ": " << r->body;
    return r->body.empty() ? json() : json::parse(r->body, nullptr, false);
  }

  std::string CreateFileExport(const std::string& name, const fs::path& path) {
    const json def = {{"name", name},
                      {"model", "events"},
                      {"interval", "hour"},
                      {"destination", {{"type", "File"}, {"config", {{"path", path.string()}}}}}};
    const std::string id = Call("POST", "/api/batch_exports", def.dump(), 201)["id"];
    Call("POST", "/api/batch_exports/" + id + "/backfills",
         R"({"start_at": "2024-01-01T00:00:00Z", "end_at": "2024-01-01T02:00:00Z"})", 201);
    return id;
  }

  // The export's runs once both have a final status.
  json FinishedRuns(const std::string& id) {
    json runs;
    for (int i = 0; i < 600; ++i) {
      runs = Call("GET", "/api/batch_exports/" + id + "/runs", "", 200)["results"];
      bool done = runs.size() == 2;
      for (const json& r : runs)
        done = done && (r["status"] == "Completed" || r["status"] == "Failed");
      if (done) return runs;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "runs of " << id << " did not finish: " << runs.dump();
    return runs;
  }

  // /metrics, after `promtool check metrics` found it clean.
  std::string CheckedMetrics(const std::string& name) {
    httplib::Client anonymous("127.0.0.1", server_->port());
    auto r = anonymous.Get("/metrics");
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    const fs::path file = dir_.path() / (name + ".prom");
    e2e::WriteFile(file, r->body);
    const auto check = e2e::RunShell("promtool check metrics < " + e2e::ShellQuote(file.string()));
    EXPECT_EQ(check.status, 0) << check.output << "\n" << r->body;
    EXPECT_EQ(check.output, "") << "promtool lint: " << check.output;
    return r->body;
  }

  // Sample lines: series (name and labels as written) -> value.
  static std::map<std::string, std::string> Samples(const std::string& text) {
    std::map<std::string, std::string> out;
    for (const std::string& line : e2e::Lines(text)) {
      if (line.empty() || line[0] == '#') continue;
      const size_t space = line.rfind(' ');
      out[line.substr(0, space)] = line.substr(space + 1);
    }
    return out;
  }

  std::unique_ptr<httplib::Client> api_;
};

TEST_F(MetricsE2e, PromtoolCleanAndPerExportSeriesAfterAFailingAndASucceedingExport) {
  // Clean with nothing to report yet.
  const auto empty = Samples(CheckedMetrics("empty"));
  EXPECT_EQ(empty.count("process_open_fds"), 1u);

  const std::string good = CreateFileExport("good export", dir_.path() / "out");
  // Nothing can be created under /sys (EPERM as root, EACCES otherwise): not retryable.
  const std::string bad = CreateFileExport(kHostileName, "/sys/batch-export-metrics-test");
  const json good_runs = FinishedRuns(good);
  const json bad_runs = FinishedRuns(bad);
  uint64_t rows = 0, bytes = 0;
  for (const json& r : good_runs) {
    EXPECT_EQ(r["status"], "Completed") << r.dump();
    rows += r["records_completed"].get<uint64_t>();
    bytes += r["bytes_exported"].get<uint64_t>();
  }
  EXPECT_GT(rows, 100u);
  for (const json& r : bad_runs) {
    EXPECT_EQ(r["status"], "Failed") << r.dump();
    EXPECT_EQ(r["attempts"], 1) << r.dump();
  }

  httplib::Client capture("127.0.0.1", server_->port());
  auto ok =
      capture.Post("/capture", R"({"event": "signup", "distinct_id": "u1"})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto refused = capture.Post("/batch", "not json", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);

  const std::string text = CheckedMetrics("after-runs");
  const auto s = Samples(text);
  const std::string g = "export_id=\"" + good + "\",export_name=\"good export\"";
  const std::string b = "export_id=\"" + bad + "\",export_name=\"" + kHostileLabel + "\"";
  auto value = [&](const std::string& series) {
    auto it = s.find(series);
    return it == s.end() ? std::string("<absent>") : it->second;
  };
  EXPECT_EQ(value("batch_export_runs_total{" + g + ",status=\"Completed\"}"), "2") << text;
  EXPECT_EQ(value("batch_export_runs_total{" + g + ",status=\"Failed\"}"), "0");
  EXPECT_EQ(value("batch_export_runs_total{" + b + ",status=\"Failed\"}"), "2") << text;
  EXPECT_EQ(value("batch_export_runs_total{" + b + ",status=\"Completed\"}"), "0");
  EXPECT_EQ(value("batch_export_run_attempts_total{" + g + "}"), "2");
  EXPECT_EQ(value("batch_export_run_attempts_total{" + b + "}"), "2");
  EXPECT_EQ(value("batch_export_run_retries_total{" + b + "}"), "0");
  EXPECT_EQ(value("batch_export_rows_exported_total{" + g + "}"), std::to_string(rows));
  EXPECT_EQ(value("batch_export_rows_exported_total{" + b + "}"), "0");
  EXPECT_EQ(value("batch_export_bytes_exported_total{" + g + "}"), std::to_string(bytes));
  EXPECT_EQ(value("batch_export_run_duration_seconds_count{" + g + ",status=\"Completed\"}"), "2");
  EXPECT_EQ(
      value("batch_export_run_duration_seconds_bucket{" + g + ",status=\"Completed\",le=\"+Inf\"}"),
      "2");
  EXPECT_EQ(value("batch_export_run_duration_seconds_count{" + b + ",status=\"Failed\"}"), "2");
  // The last success is the end of the later interval, and only the good export has one.
  EXPECT_EQ(value("batch_export_last_success_interval_end_seconds{" + g + "}"),
            std::to_string(kDayStart + 2 * 3600));
  EXPECT_EQ(text.find("batch_export_last_success_interval_end_seconds{export_id=\"" + bad),
            std::string::npos);
  EXPECT_EQ(value("batch_export_capture_requests_total{endpoint=\"capture\",code=\"200\"}"), "1");
  EXPECT_EQ(value("batch_export_capture_requests_total{endpoint=\"batch\",code=\"400\"}"), "1");
  EXPECT_EQ(value("batch_export_capture_events_total{result=\"accepted\"}"), "1");
  EXPECT_GT(std::stod(value("process_resident_memory_bytes")), 1 << 20);
  EXPECT_GT(std::stod(value("process_open_fds")), 3);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double started = std::stod(value("process_start_time_seconds"));
  EXPECT_LT(started, now + 1);
  EXPECT_GT(started, now - 600);
  EXPECT_GE(std::stod(value("process_cpu_seconds_total")), 0);

  // A deleted export's series drop out; the rest stay.
  Call("DELETE", "/api/batch_exports/" + bad, "", 204);
  const std::string after_delete = CheckedMetrics("after-delete");
  EXPECT_EQ(after_delete.find(bad), std::string::npos) << after_delete;
  EXPECT_EQ(Samples(after_delete)["batch_export_runs_total{" + g + ",status=\"Completed\"}"], "2");
}

}  // namespace
}  // namespace bx
