#pragma once
// Event batches for pipeline tests.

#include <string>

#include "core/record_batch.h"
#include "core/schemas.h"

namespace bx {

// Appends `n` events numbered from `first`, each with ~`property_bytes` of properties JSON.
inline void AppendTestEvents(RecordBatch& batch, size_t first, size_t n,
                             size_t property_bytes = 300) {
  for (size_t i = first; i < first + n; ++i) {
    const std::string id = std::to_string(i);
    batch.column(events_col::kUuid).AppendString("uuid-" + id);
    batch.column(events_col::kEvent).AppendString(i % 3 ? "$pageview" : "signup");
    batch.column(events_col::kDistinctId).AppendString("user-" + std::to_string(i % 97));
    batch.column(events_col::kPersonId).AppendNull();
    // Varied digits keep the text from compressing to nothing.
    std::string filler;
    for (size_t k = 0; filler.size() < property_bytes; ++k) {
      filler += std::to_string((i * 2654435761u + k * 40503u) % 1000003) + " ";
    }
    batch.column(events_col::kProperties)
        .AppendString(R"({"n":)" + id + R"(,"text":")" + filler + R"("})");
    batch.column(events_col::kPersonProperties).AppendString("{}");
    batch.column(events_col::kElementsChain).AppendString("");
    for (size_t c : {events_col::kTimestamp, events_col::kCreatedAt, events_col::kInsertedAt}) {
      batch.column(c).AppendInt(1705276800000000 + static_cast<int64_t>(i));
    }
  }
}

}  // namespace bx
