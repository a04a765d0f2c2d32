#include "server/metrics_text.h"

#include <fmt/format.h>

namespace bx {
namespace {

void Header(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string PrometheusText(const MetricsSnapshot& m, const ServerCounters& server) {
  std::string out;
  Header(out, "batch_export_runs", "gauge", "Runs by status.");
  for (const auto& [status, count] : m.runs_by_status) {
    out += fmt::format("batch_export_runs{{status=\"{}\"}} {}\n", status, count);
  }
  Header(out, "batch_export_rows_exported_total", "counter", "Rows exported by completed runs.");
  out += fmt::format("batch_export_rows_exported_total {}\n", m.rows_exported);
  Header(out, "batch_export_bytes_exported_total", "counter", "Bytes exported by completed runs.");
  out += fmt::format("batch_export_bytes_exported_total {}\n", m.bytes_exported);

  Header(out, "batch_export_run_duration_seconds", "histogram", "Duration of finished runs.");
  const auto& bounds = m.run_duration_bucket_bounds;
  const auto& counts = m.run_duration_bucket_counts;
  uint64_t total = 0;
  for (size_t i = 0; i < bounds.size() && i < counts.size(); ++i) {
    out += fmt::format("batch_export_run_duration_seconds_bucket{{le=\"{}\"}} {}\n", bounds[i],
                       counts[i]);
    total = counts[i];
  }
  // The +Inf bucket is the last count when the service gives one beyond the bounds.
  if (counts.size() > bounds.size()) total = counts.back();
  out += fmt::format("batch_export_run_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", total);
  out += fmt::format("batch_export_run_duration_seconds_sum {}\n", m.run_duration_sum);
  out += fmt::format("batch_export_run_duration_seconds_count {}\n", total);

  Header(out, "batch_export_queue_depth", "gauge", "Runs waiting for a worker.");
  out += fmt::format("batch_export_queue_depth {}\n", m.queue_depth);
  Header(out, "batch_export_scheduler_lag_seconds", "gauge",
         "How far the scheduler is behind ended intervals.");
  out += fmt::format("batch_export_scheduler_lag_seconds {}\n", m.scheduler_lag_seconds);

  Header(out, "batch_export_capture_requests_total", "counter", "Requests to /capture and /batch.");
  out += fmt::format("batch_export_capture_requests_total {}\n", server.capture_requests);
  Header(out, "batch_export_capture_events_total", "counter", "Captured events by result.");
  out += fmt::format("batch_export_capture_events_total{{result=\"accepted\"}} {}\n",
                     server.capture_events_accepted);
  out += fmt::format("batch_export_capture_events_total{{result=\"rejected\"}} {}\n",
                     server.capture_events_rejected);
  return out;
}

}  // namespace bx
