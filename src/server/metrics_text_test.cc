#include "server/metrics_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>

namespace bx {
namespace {

ExportMetrics Export(std::string id, std::string name) {
  ExportMetrics e;
  e.export_id = std::move(id);
  e.export_name = std::move(name);
  return e;
}

MetricsSnapshot Snapshot() {
  MetricsSnapshot m;
  m.runs_by_status = {{"Completed", 7}, {"Failed", 1}};
  m.queue_depth = 4;
  m.scheduler_lag_seconds = 1.5;
  ExportMetrics good = Export("e-1", "good");
  good.runs_completed = 7;
  good.attempts = 9;
  good.retries = 2;
  good.rows_exported = 1204;
  good.bytes_exported = 4096;
  good.attempt_seconds["Completed"] = {{0.5, 5}, {3, 4, 0}, 12.5};
  good.last_success_interval_end = 1704074400LL * kMicrosPerSecond;
  ExportMetrics bad = Export("e-2", "bad");
  bad.runs_failed = 1;
  bad.attempts = 1;
  m.exports = {good, bad};
  return m;
}

ServerCounters Counters() {
  ServerCounters c;
  c.capture_events_accepted = 990;
  c.capture_events_rejected = 10;
  c.capture_requests = {{CaptureEndpoint::kCapture, 200, 5}, {CaptureEndpoint::kBatch, 413, 1}};
  return c;
}

ProcessMetrics Process() {
  ProcessMetrics p;
  p.cpu_seconds = 1.25;
  p.resident_memory_bytes = 50 << 20;
  p.virtual_memory_bytes = 700 << 20;
  p.open_fds = 12;
  p.max_fds = 1024;
  p.start_time_seconds = 1704074000.5;
  return p;
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

// Every line is a # HELP / # TYPE comment or one sample: name, labels with escaped values, value.
void ExpectValidExposition(const std::string& text) {
  static const std::regex kComment(R"(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
  static const std::regex kSample(
      R"re([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\x00-\x1f]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\x00-\x1f]|\\[\\"n])*")*\})? (-?[0-9.e+]+|[+-]Inf|NaN))re");
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    EXPECT_TRUE(std::regex_match(line, kComment) || std::regex_match(line, kSample)) << line;
  }
}

TEST(MetricsText, PerExportSeries) {
  const std::string text = PrometheusText(Snapshot(), Counters(), Process());
  for (
      const char* line : {
          "batch_export_stored_runs{status=\"Completed\"} 7",
          "batch_export_queue_depth 4",
          "batch_export_scheduler_lag_seconds 1.5",
          "# TYPE batch_export_runs_total counter",
          R"(batch_export_runs_total{export_id="e-1",export_name="good",status="Completed"} 7)",
          R"(batch_export_runs_total{export_id="e-1",export_name="good",status="Failed"} 0)",
          R"(batch_export_runs_total{export_id="e-2",export_name="bad",status="Failed"} 1)",
          R"(batch_export_runs_total{export_id="e-2",export_name="bad",status="Cancelled"} 0)",
          R"(batch_export_run_attempts_total{export_id="e-1",export_name="good"} 9)",
          R"(batch_export_run_retries_total{export_id="e-1",export_name="good"} 2)",
          R"(batch_export_rows_exported_total{export_id="e-1",export_name="good"} 1204)",
          R"(batch_export_rows_exported_total{export_id="e-2",export_name="bad"} 0)",
          R"(batch_export_bytes_exported_total{export_id="e-1",export_name="good"} 4096)",
          "# TYPE batch_export_run_duration_seconds histogram",
          R"(batch_export_run_duration_seconds_bucket{export_id="e-1",export_name="good",status="Completed",le="0.5"} 3)",
          R"(batch_export_run_duration_seconds_bucket{export_id="e-1",export_name="good",status="Completed",le="5"} 7)",
          R"(batch_export_run_duration_seconds_bucket{export_id="e-1",export_name="good",status="Completed",le="+Inf"} 7)",
          R"(batch_export_run_duration_seconds_sum{export_id="e-1",export_name="good",status="Completed"} 12.5)",
          R"(batch_export_run_duration_seconds_count{export_id="e-1",export_name="good",status="Completed"} 7)",
          R"(batch_export_last_success_interval_end_seconds{export_id="e-1",export_name="good"} 1704074400)",
          R"(batch_export_capture_requests_total{endpoint="capture",code="200"} 5)",
          R"(batch_export_capture_requests_total{endpoint="batch",code="413"} 1)",
          R"(batch_export_capture_events_total{result="rejected"} 10)",
          "process_cpu_seconds_total 1.25",
          "process_resident_memory_bytes 52428800",
          "process_open_fds 12",
          "process_max_fds 1024",
          "process_start_time_seconds 1704074000.5",
      }) {
    EXPECT_TRUE(Has(text, line)) << line << "\n" << text;
  }
  // Only observed statuses get a histogram, and only a completed run sets the last success.
  EXPECT_EQ(text.find("export_name=\"bad\",status=\"Failed\",le="), std::string::npos);
  EXPECT_EQ(text.find("batch_export_last_success_interval_end_seconds{export_id=\"e-2\""),
            std::string::npos);
  ExpectValidExposition(text);
}

TEST(MetricsText, EachFamilyOnceWithHelpAndTypeBeforeItsSamples) {
  const std::string text = PrometheusText(Snapshot(), Counters(), Process());
  std::istringstream in(text);
  std::vector<std::string> families;
  std::string current;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# HELP ", 0) == 0) {
      current = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(std::count(families.begin(), families.end(), current), 0) << current;
      families.push_back(current);
    } else if (line[0] != '#') {
      EXPECT_EQ(line.rfind(current, 0), 0u) << line << " outside family " << current;
    }
  }
  EXPECT_EQ(families.size(), 18u);
}

TEST(MetricsText, NoExportsStillValid) {
  ExpectValidExposition(PrometheusText(MetricsSnapshot{}, ServerCounters{}, ProcessMetrics{}));
}

TEST(MetricsText, HostileExportNameStaysOneLabelValueOnOneLine) {
  MetricsSnapshot m;
  using namespace std::string_literals;
  ExportMetrics e = Export("e-3", "q\"uote\\back\\nslash\nnew\x01line\r\0end"s);
  e.runs_failed = 2;
  m.exports = {e};
  const std::string text = PrometheusText(m, ServerCounters{}, ProcessMetrics{});
  EXPECT_TRUE(Has(text,
                  "batch_export_runs_total{export_id=\"e-3\",export_name=\"q\\\"uote\\\\back\\\\"
                  "nslash\\nnew\xEF\xBF\xBDline\xEF\xBF\xBD\xEF\xBF\xBD"
                  "end\",status=\"Failed\"} 2"))
      << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\0'), std::string::npos);
  ExpectValidExposition(text);
}

}  // namespace
}  // namespace bx
