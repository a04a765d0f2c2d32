#include "server/metrics_text.h"

#include <gtest/gtest.h>

namespace bx {
namespace {

TEST(MetricsText, PrometheusExposition) {
  MetricsSnapshot m;
  m.runs_by_status = {{"Completed", 7}, {"Failed", 1}};
  m.rows_exported = 1204;
  m.bytes_exported = 4096;
  m.run_duration_bucket_bounds = {0.5, 5};
  m.run_duration_bucket_counts = {3, 7, 8};
  m.run_duration_sum = 12.5;
  m.queue_depth = 4;
  m.scheduler_lag_seconds = 1.5;
  ServerCounters c;
  c.capture_events_accepted = 990;
  c.capture_events_rejected = 10;
  const std::string text = PrometheusText(m, c);
  for (const char* line :
       {"batch_export_runs{status=\"Completed\"} 7", "batch_export_rows_exported_total 1204",
        "batch_export_bytes_exported_total 4096",
        "batch_export_run_duration_seconds_bucket{le=\"0.5\"} 3",
        "batch_export_run_duration_seconds_bucket{le=\"+Inf\"} 8",
        "batch_export_run_duration_seconds_count 8", "batch_export_run_duration_seconds_sum 12.5",
        "batch_export_queue_depth 4", "batch_export_scheduler_lag_seconds 1.5",
        "batch_export_capture_events_total{result=\"rejected\"} 10",
        "# TYPE batch_export_run_duration_seconds histogram"}) {
    EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace bx
