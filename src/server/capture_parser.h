#pragma once
// Turns a capture request body into rows for the embedded store. Accepted shapes, as the usual
// product-analytics capture API: one event {"event", "distinct_id", ...}, {"api_key"?,
// "batch": [events]}, or a bare array of events. Each event is checked on its own: a bad one is
// reported by index with a reason, the good ones in the same batch are kept.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "source/embedded/event_row.h"

namespace bx {

struct CaptureOptions {
  int64_t team_id = 1;
  size_t max_events = 10000;                  // per request
  size_t max_properties_bytes = 1024 * 1024;  // per event, as stored JSON
  size_t max_name_length = 200;               // event and distinct_id
};

struct RejectedEvent {
  size_t index = 0;
  std::string reason;
};

struct CaptureBatch {
  std::vector<EventRow> rows;
  std::vector<RejectedEvent> rejected;
  size_t total = 0;  // events in the request
};

// Throws InvalidArgument when the body as a whole is not one of the shapes above, and
// PayloadTooLarge for more than `max_events` events. Text that is
// JSON apart from invalid UTF-8, lone surrogates or NUL is cleaned first (U+FFFD; NUL dropped).
CaptureBatch ParseCaptureBody(std::string_view body, Micros now, const CaptureOptions& options);

// A time-ordered UUIDv7 for `now`.
std::string NewUuidV7(Micros now);

// True for 8-4-4-4-12 hex digits.
bool IsUuid(std::string_view text);

}  // namespace bx
