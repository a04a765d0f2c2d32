#include "server/metrics_text.h"

#include <string_view>

#include "server/exposition.h"

namespace bx {
namespace {

double Seconds(Micros t) { return static_cast<double>(t) / kMicrosPerSecond; }

void ServiceFamilies(const MetricsSnapshot& m, ExpositionWriter& w) {
  w.Family("batch_export_stored_runs", "gauge",
           "Runs in the state store by current status (every node's).");
  for (const auto& [status, count] : m.runs_by_status) {
    w.Sample("batch_export_stored_runs", {{"status", status}}, count);
  }
  w.Family("batch_export_queue_depth", "gauge", "Runs waiting for a worker.");
  w.Sample("batch_export_queue_depth", {}, m.queue_depth);
  w.Family("batch_export_scheduler_lag_seconds", "gauge",
           "How far the scheduler is behind ended intervals.");
  w.Sample("batch_export_scheduler_lag_seconds", {}, m.scheduler_lag_seconds);
}

void ExportFamilies(const std::vector<ExportMetrics>& exports, ExpositionWriter& w) {
  auto labels = [](const ExportMetrics& e) {
    return Labels{{"export_id", e.export_id}, {"export_name", e.export_name}};
  };
  auto with_status = [&](const ExportMetrics& e, std::string_view status) {
    Labels l = labels(e);
    l.emplace_back("status", status);
    return l;
  };

  w.Family("batch_export_runs_total", "counter",
           "Runs this process ended, by final status (Completed, Failed, or Cancelled while it "
           "ran them).");
  for (const ExportMetrics& e : exports) {
    w.Sample("batch_export_runs_total", with_status(e, "Completed"), e.runs_completed);
    w.Sample("batch_export_runs_total", with_status(e, "Failed"), e.runs_failed);
    w.Sample("batch_export_runs_total", with_status(e, "Cancelled"), e.runs_cancelled);
  }
  w.Family("batch_export_run_attempts_total", "counter",
           "Attempts this process ran to a recorded end (Completed, Failed or FailedRetryable).");
  for (const ExportMetrics& e : exports) {
    w.Sample("batch_export_run_attempts_total", labels(e), e.attempts);
  }
  w.Family("batch_export_run_retries_total", "counter",
           "Attempts that failed with a retryable error and queued their run again.");
  for (const ExportMetrics& e : exports) {
    w.Sample("batch_export_run_retries_total", labels(e), e.retries);
  }
  w.Family("batch_export_rows_exported_total", "counter", "Rows exported by completed runs.");
  for (const ExportMetrics& e : exports) {
    w.Sample("batch_export_rows_exported_total", labels(e), e.rows_exported);
  }
  w.Family("batch_export_bytes_exported_total", "counter",
           "Bytes written by completed runs (after compression).");
  for (const ExportMetrics& e : exports) {
    w.Sample("batch_export_bytes_exported_total", labels(e), e.bytes_exported);
  }
  w.Family("batch_export_run_duration_seconds", "histogram",
           "Duration of attempts, by the attempt's status.");
  for (const ExportMetrics& e : exports) {
    for (const auto& [status, histogram] : e.attempt_seconds) {
      w.Histogram("batch_export_run_duration_seconds", with_status(e, status), histogram);
    }
  }
  w.Family("batch_export_last_success_interval_end_seconds", "gauge",
           "End of the latest interval a completed run exported (Unix seconds, from the state "
           "store); absent until one completes.");
  for (const ExportMetrics& e : exports) {
    if (!e.last_success_interval_end) continue;
    w.Sample("batch_export_last_success_interval_end_seconds", labels(e),
             Seconds(*e.last_success_interval_end));
  }
}

void ServerFamilies(const ServerCounters& server, ExpositionWriter& w) {
  w.Family("batch_export_capture_requests_total", "counter",
           "Capture requests by route and HTTP status code.");
  for (const CaptureRequestCount& c : server.capture_requests) {
    const std::string code = std::to_string(c.status);
    w.Sample("batch_export_capture_requests_total",
             {{"endpoint", CaptureEndpointName(c.endpoint)}, {"code", code}}, c.requests);
  }
  w.Family("batch_export_capture_events_total", "counter", "Captured events by result.");
  w.Sample("batch_export_capture_events_total", {{"result", "accepted"}},
           server.capture_events_accepted);
  w.Sample("batch_export_capture_events_total", {{"result", "rejected"}},
           server.capture_events_rejected);
}

void ProcessFamilies(const ProcessMetrics& p, ExpositionWriter& w) {
  w.Family("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.");
  w.Sample("process_cpu_seconds_total", {}, p.cpu_seconds);
  w.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  w.Sample("process_resident_memory_bytes", {}, p.resident_memory_bytes);
  w.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  w.Sample("process_virtual_memory_bytes", {}, p.virtual_memory_bytes);
  w.Family("process_open_fds", "gauge", "Number of open file descriptors.");
  w.Sample("process_open_fds", {}, p.open_fds);
  w.Family("process_max_fds", "gauge", "Maximum number of open file descriptors.");
  w.Sample("process_max_fds", {}, p.max_fds);
  w.Family("process_start_time_seconds", "gauge",
           "Start time of the process since the Unix epoch in seconds.");
  w.Sample("process_start_time_seconds", {}, p.start_time_seconds);
}

}  // namespace

std::string PrometheusText(const MetricsSnapshot& service, const ServerCounters& server,
                           const ProcessMetrics& process) {
  ExpositionWriter w;
  ServiceFamilies(service, w);
  ExportFamilies(service.exports, w);
  ServerFamilies(server, w);
  ProcessFamilies(process, w);
  return w.text();
}

}  // namespace bx
