#pragma once
// The capture paths' events (already unwrapped by capture_decode): parse, store the good events,
// report the bad ones.
// Response: {"status": 1, "accepted": N, "rejected": [{"index": i, "reason": "..."}]};
// 400 with the same fields when the request held events and none was good.

#include <atomic>
#include <functional>
#include <memory>

#include "server/api_request.h"
#include "server/capture_parser.h"
#include "server/capture_store.h"
#include "server/metrics_text.h"

namespace bx {

class CaptureHandler {
 public:
  CaptureHandler(std::filesystem::path event_store, CaptureOptions options,
                 std::function<Micros()> now);

  // `body` is the events' JSON text (Content-Encoding, forms, gzip-js, lz64, base64 undone).
  // Never throws.
  ApiResponse Handle(std::string_view body);

  void AddCounters(ServerCounters& counters) const;

  // DELETE of a person (server/api_router.h): false when there is no such live person. Throws
  // bx::Error when the store fails.
  bool DeletePerson(int64_t team_id, const std::string& person_id);

 private:
  CaptureStore store_;
  CaptureOptions options_;
  std::function<Micros()> now_;
  std::atomic<uint64_t> accepted_{0}, rejected_{0};
};

}  // namespace bx
