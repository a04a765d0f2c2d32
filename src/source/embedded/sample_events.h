#pragma once
// Synthetic PostHog-style events for the embedded store: realistic shapes, skewed identities,
// deterministic for a seed, streamed in inserted_at order without holding rows in memory.

#include <cstdint>
#include <memory>

#include "base/time.h"
#include "source/embedded/event_row.h"  // EventRow: shared with the store

namespace bx {

struct SampleEventOptions {
  uint64_t count = 0;
  Micros start = 0, end = 0;  // inserted_at is uniform over [start, end)
  int64_t team_id = 1;
  uint64_t seed = 7;
};

class SampleEventGenerator {
 public:
  // Throws InvalidArgument naming "--end" when end <= start. A count of 0 yields no rows.
  explicit SampleEventGenerator(const SampleEventOptions& options);
  ~SampleEventGenerator();
  SampleEventGenerator(SampleEventGenerator&&) noexcept;
  SampleEventGenerator& operator=(SampleEventGenerator&&) noexcept;

  // Fills `row` (reusing its string capacity) with the next event; false once `count` rows
  // were produced. Rows come in non-decreasing inserted_at order.
  bool Next(EventRow& row);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bx
