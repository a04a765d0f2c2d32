#include "server/capture_metrics.h"

namespace bx {

std::string_view CaptureEndpointName(CaptureEndpoint endpoint) {
  switch (endpoint) {
    case CaptureEndpoint::kCapture:
      return "capture";
    case CaptureEndpoint::kBatch:
      return "batch";
    case CaptureEndpoint::kE:
      return "e";
    case CaptureEndpoint::kIV0E:
      return "i/v0/e";
    case CaptureEndpoint::kTrack:
      return "track";
    case CaptureEndpoint::kEngage:
      return "engage";
    case CaptureEndpoint::kOther:
      break;
  }
  return "other";
}

CaptureEndpoint CaptureEndpointOf(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/capture") return CaptureEndpoint::kCapture;
  if (path == "/batch") return CaptureEndpoint::kBatch;
  if (path == "/e") return CaptureEndpoint::kE;
  if (path == "/i/v0/e") return CaptureEndpoint::kIV0E;
  if (path == "/track") return CaptureEndpoint::kTrack;
  if (path == "/engage") return CaptureEndpoint::kEngage;
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
