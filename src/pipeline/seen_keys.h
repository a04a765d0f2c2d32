#pragma once
// The set of 128-bit row hashes a run has seen, in little memory (issue #19: an interval of any
// size should export within a fixed budget). Up to `memory_keys` keys live in an open-addressing
// table (16 bytes a slot at half load); when it fills, its keys are sorted and spilled to an
// unnamed temporary file as a run, kept in memory only as a Bloom filter (12 bits a key) and a
// sparse index (one key in 256). A key the filter passes is looked up with one read of a 4 KiB
// block. Runs are merged pairwise as they pile up (like a binary counter), so there are about
// log2(keys / memory_keys) of them: a 5M-row interval holds 8 MiB of table and ~8 MiB of
// filters instead of 256 MiB of table; the filters and indexes grow by 1.6 bytes a key. 2^18 keys
// in memory rather than 2^19: 16 MiB less at the peak, the same CPU with the filters' blocks
// prefetched (paired runs).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace bx {

struct Key128 {
  uint64_t low = 0, high = 0;
};

class SeenKeys {
 public:
  static constexpr size_t kDefaultMemoryKeys = size_t{1} << 18;

  // `spill_dir`: where the unnamed run files are made (empty: $TMPDIR, else /tmp).
  explicit SeenKeys(size_t memory_keys = kDefaultMemoryKeys, std::filesystem::path spill_dir = {});
  ~SeenKeys();
  SeenKeys(const SeenKeys&) = delete;
  SeenKeys& operator=(const SeenKeys&) = delete;

  // Adds each key; fresh[i] = 1 when keys[i] was not in the set before (a repeat within
  // `keys` is not fresh). Throws a retryable bx::Error when a run cannot be spilled; the set is
  // unusable after that (its later calls throw), as the run using it has failed.
  void Insert(const std::vector<Key128>& keys, std::vector<uint8_t>& fresh);

  size_t size() const { return memory_used_ + spilled_; }
  size_t runs() const { return runs_.size(); }

 private:
  struct Run;
  // False when already present. The table must have room.
  bool InsertInMemory(Key128 key);
  bool InRuns(Key128 key) const;
  void GrowTable(size_t keys);
  void Spill();
  // Consumes both runs.
  std::unique_ptr<Run> Merge(std::unique_ptr<Run> older, std::unique_ptr<Run> newer);

  size_t memory_keys_;
  std::filesystem::path spill_dir_;
  std::vector<Key128> slots_;
  size_t memory_used_ = 0;
  size_t spilled_ = 0;
  std::vector<std::unique_ptr<Run>> runs_;  // oldest (largest) first
  bool failed_ = false;                     // a spill failed: keys may be missing
};

}  // namespace bx
