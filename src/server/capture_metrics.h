#pragma once
// Capture requests counted by route and HTTP status, for batch_export_capture_requests_total.
// The `endpoint` label is a route's name from this fixed list, never the path a client sent, so
// the series stay few whatever clients post to. A new capture path gets a route here (or is
// counted as "other").

#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace bx {

enum class CaptureEndpoint { kCapture, kBatch, kE, kIV0E, kTrack, kEngage, kOther };

std::string_view CaptureEndpointName(CaptureEndpoint endpoint);
// The route of a capture path (server/ingest_paths.h), with or without its trailing slash:
// /capture is "capture", /i/v0/e is "i/v0/e".
CaptureEndpoint CaptureEndpointOf(std::string_view path);

struct CaptureRequestCount {
  CaptureEndpoint endpoint;
  int status;
  uint64_t requests;
};

class CaptureRequestCounter {
 public:
  // A status outside 100-599 (none was set: the request failed) counts as 500.
  void Record(CaptureEndpoint endpoint, int status);
  // Ordered by endpoint, then status.
  std::vector<CaptureRequestCount> Snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<CaptureEndpoint, int>, uint64_t> counts_;
};

// Counts one request when it goes out of scope, with the status the response has by then.
class CountedCaptureRequest {
 public:
  CountedCaptureRequest(CaptureRequestCounter& counter, CaptureEndpoint endpoint, const int& status)
      : counter_(counter), endpoint_(endpoint), status_(status) {}
  ~CountedCaptureRequest() { counter_.Record(endpoint_, status_); }
  CountedCaptureRequest(const CountedCaptureRequest&) = delete;
  CountedCaptureRequest& operator=(const CountedCaptureRequest&) = delete;

 private:
  CaptureRequestCounter& counter_;
  CaptureEndpoint endpoint_;
  const int& status_;
};

}  // namespace bx
