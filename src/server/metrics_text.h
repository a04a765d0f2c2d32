#pragma once
// /metrics in the Prometheus text exposition format (version 0.0.4): the service's gauges and
// per-export series, the capture counters and the process metrics. docs/metrics.md lists them.

#include <cstdint>
#include <string>
#include <vector>

#include "server/capture_metrics.h"
#include "server/process_metrics.h"
#include "service/batch_export_service.h"

namespace bx {

// What the HTTP layer counts itself.
struct ServerCounters {
  uint64_t capture_events_accepted = 0;
  uint64_t capture_events_rejected = 0;
  std::vector<CaptureRequestCount> capture_requests;
};

std::string PrometheusText(const MetricsSnapshot& service, const ServerCounters& server,
                           const ProcessMetrics& process);

}  // namespace bx
