#pragma once
// Rows equal on the model's dedup columns (events: event, distinct_id, uuid) are exported once
// per run: a source may hold the same event twice (a client retried), and a run must not.
// Remembers a 128-bit hash per row seen in the run: 16 bytes a row in an open-addressing table,
// so a run of 10M rows holds ~256 MiB at worst; collisions are negligible at 2^-128.

#include <cstdint>
#include <string>
#include <vector>

#include "core/record_batch.h"

namespace bx {

class Deduplicator {
 public:
  // `columns`: positions in the batches' schema (ModelSpec::dedup_columns); none: a no-op.
  explicit Deduplicator(std::vector<size_t> columns);
  // Removes rows already seen in this run (or earlier in the batch); returns how many.
  size_t Filter(RecordBatch& batch);

 private:
  struct Slot {
    uint64_t low = 0, high = 0;
  };
  // False when already present. The table must have room (Reserve).
  bool Insert(Slot key);
  // Grows the table (doubling) until `rows` fit at half load.
  void Reserve(size_t rows);

  std::vector<size_t> columns_;
  std::vector<Slot> slots_;
  size_t used_ = 0;
  std::vector<Slot> keys_;  // the batch's row hashes
  std::vector<uint8_t> keep_;
  std::string key_;
};

}  // namespace bx
