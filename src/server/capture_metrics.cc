#include "server/capture_metrics.h"

namespace bx {

std::string_view CaptureEndpointName(CaptureEndpoint endpoint) {
  switch (endpoint) {
    case CaptureEndpoint::kCapture:
      return "capture";
    case CaptureEndpoint::kBatch:
      return "batch";
    case CaptureEndpoint::kOther:
      break;
  }
  return "other";
}

CaptureEndpoint CaptureEndpointOf(std::string_view path) {
  if (path == "/capture" || path == "/capture/") return CaptureEndpoint::kCapture;
  if (path == "/batch" || path == "/batch/") return CaptureEndpoint::kBatch;
  return CaptureEndpoint::kOther;
}

void CaptureRequestCounter::Record(CaptureEndpoint endpoint, int status) {
  if (status < 100 || status > 599) status = 500;
  std::lock_guard lock(mu_);
  ++counts_[{endpoint, status}];
}

std::vector<CaptureRequestCount> CaptureRequestCounter::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<CaptureRequestCount> out;
  for (const auto& [key, n] : counts_) out.push_back({key.first, key.second, n});
  return out;
}

}  // namespace bx
