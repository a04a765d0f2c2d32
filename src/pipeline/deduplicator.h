#pragma once
// Rows equal on the model's dedup columns (events: event, distinct_id, uuid) are exported once
// per run: a source may hold the same event twice (a client retried), and a run must not.
// Remembers a 128-bit hash per row seen in the run (collisions are negligible at 2^-128) in a
// SeenKeys: an 8 MiB table, spilling to a temporary file past a quarter of a million rows.

#include <cstdint>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "pipeline/seen_keys.h"

namespace bx {

class Deduplicator {
 public:
  // `columns`: positions in the batches' schema (ModelSpec::dedup_columns); none: a no-op.
  explicit Deduplicator(std::vector<size_t> columns,
                        size_t memory_keys = SeenKeys::kDefaultMemoryKeys);
  // Removes rows already seen in this run (or earlier in the batch); returns how many.
  size_t Filter(RecordBatch& batch);

 private:
  std::vector<size_t> columns_;
  SeenKeys seen_;
  std::vector<Key128> keys_;  // the batch's row hashes
  std::vector<uint8_t> keep_;
  std::string key_;
};

}  // namespace bx
