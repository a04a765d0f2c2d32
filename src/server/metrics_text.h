#pragma once
// /metrics in the Prometheus text exposition format (version 0.0.4).

#include <cstdint>
#include <string>

#include "service/batch_export_service.h"

namespace bx {

// What the HTTP layer counts itself.
struct ServerCounters {
  uint64_t capture_events_accepted = 0;
  uint64_t capture_events_rejected = 0;
  uint64_t capture_requests = 0;
};

std::string PrometheusText(const MetricsSnapshot& service, const ServerCounters& server);

}  // namespace bx
