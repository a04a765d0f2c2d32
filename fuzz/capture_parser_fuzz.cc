// The capture body parser (server/capture_parser), given any bytes as the body of POST /capture
// or /batch, as the handler passes it (after gunzip).
// Invariant: never crashes; a body is either refused as a whole with InvalidArgument, or every
// event of it is accepted or rejected by index with a reason; an accepted row is what the store
// and the exports need: properties are one valid UTF-8 JSON object, names within their limits,
// a UUID, the team and times set; the answer (reasons included) serializes as JSON.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "fuzz_check.h"
#include "server/capture_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  bx::CaptureOptions options;
  options.team_id = 7;
  options.max_events = 100;
  options.max_properties_bytes = 4096;
  options.max_name_length = 16;
  const bx::Micros now = 1705312800LL * 1000000;
  bx::CaptureBatch batch;
  try {
    batch = bx::ParseCaptureBody(body, now, options);
  } catch (const bx::Error& e) {
    FUZZ_CHECK(e.kind() == bx::ErrorKind::kInvalidArgument,
               "a body refused with " + e.type() + ": " + e.message());
    (void)nlohmann::json(e.message()).dump();  // the 400 answer; throws on invalid UTF-8
    return 0;
  }
  FUZZ_CHECK(batch.rows.size() + batch.rejected.size() == batch.total,
             "accepted + rejected != events in the request");
  FUZZ_CHECK(batch.total <= options.max_events, "more events than the limit");
  size_t previous = SIZE_MAX;
  for (const bx::RejectedEvent& r : batch.rejected) {
    FUZZ_CHECK(r.index < batch.total, "a rejection's index is out of range");
    FUZZ_CHECK(previous == SIZE_MAX || r.index > previous, "rejections out of order");
    previous = r.index;
    FUZZ_CHECK(!r.reason.empty(), "a rejection without a reason");
    (void)nlohmann::json(r.reason).dump();  // part of the answer; throws on invalid UTF-8
  }
  for (const bx::EventRow& row : batch.rows) {
    FUZZ_CHECK(bx::IsUuid(row.uuid), "not a UUID: " + row.uuid);
    // The person is the store's to set (source/embedded/person_writer.h), not the parser's.
    FUZZ_CHECK(row.person_id.empty() && row.person_properties.empty(),
               "the parser set a person: " + row.person_id);
    FUZZ_CHECK(!row.event.empty() && row.event.size() <= options.max_name_length,
               "event name empty or too long");
    FUZZ_CHECK(!row.distinct_id.empty() && row.distinct_id.size() <= options.max_name_length,
               "distinct_id empty or too long");
    FUZZ_CHECK(bx::fuzz::IsUtf8(row.event) && bx::fuzz::IsUtf8(row.distinct_id) &&
                   bx::fuzz::IsUtf8(row.elements_chain),
               "a text column is not valid UTF-8");
    FUZZ_CHECK(row.properties.size() <= options.max_properties_bytes, "properties too large");
    FUZZ_CHECK(bx::fuzz::IsUtf8(row.properties) &&
                   bx::fuzz::IsCleanJson(row.properties, /*allow_nul=*/true) &&
                   row.properties.front() == '{',
               "properties are not one valid UTF-8 JSON object: " + row.properties);
    FUZZ_CHECK(row.team_id == options.team_id, "the wrong team");
    FUZZ_CHECK(row.inserted_at == now && row.created_at == now, "inserted_at/created_at not now");
  }
  return 0;
}
