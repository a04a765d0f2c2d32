#include "pipeline/deduplicator.h"

#include <xxhash.h>

namespace bx {
namespace {

// How many rows ahead a slot is fetched into the cache: a run's table outgrows the caches
// (32 MiB at 1M rows), and a miss per row was most of the filter's cost.
constexpr size_t kPrefetchDistance = 8;

}  // namespace

Deduplicator::Deduplicator(std::vector<size_t> columns) : columns_(std::move(columns)) {}

bool Deduplicator::Insert(Slot key) {
  const size_t mask = slots_.size() - 1;
  for (size_t i = key.low & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.low == 0 && s.high == 0) {
      s = key;
      ++used_;
      return true;
    }
    if (s.low == key.low && s.high == key.high) return false;
  }
}

void Deduplicator::Reserve(size_t rows) {
  size_t size = slots_.empty() ? 1 << 16 : slots_.size();
  while (rows * 2 > size) size *= 2;
  if (size == slots_.size()) return;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(size, Slot{});
  used_ = 0;
  const size_t mask = size - 1;
  for (size_t i = 0; i < old.size(); ++i) {
    if (i + kPrefetchDistance < old.size()) {
      __builtin_prefetch(&slots_[old[i + kPrefetchDistance].low & mask], 1);
    }
    if (old[i].low != 0 || old[i].high != 0) Insert(old[i]);
  }
}

size_t Deduplicator::Filter(RecordBatch& batch) {
  if (columns_.empty()) return 0;
  const size_t n = batch.num_rows();
  keys_.resize(n);
  for (size_t row = 0; row < n; ++row) {
    // Length-prefixed fields, so ("ab", "c") and ("a", "bc") differ; a null differs from "".
    key_.clear();
    for (const size_t column : columns_) {
      const Column& c = batch.column(column);
      const bool text = c.type() == ColumnType::kString || c.type() == ColumnType::kJson;
      const int64_t number = c.IsNull(row) || text ? 0 : c.Int(row);
      const std::string_view v =
          c.IsNull(row) ? std::string_view()
          : text        ? c.String(row)
                        : std::string_view(reinterpret_cast<const char*>(&number), sizeof number);
      const uint32_t len = c.IsNull(row) ? UINT32_MAX : static_cast<uint32_t>(v.size());
      key_.append(reinterpret_cast<const char*>(&len), sizeof len);
      key_.append(v);
    }
    const XXH128_hash_t h = XXH3_128bits(key_.data(), key_.size());
    keys_[row] = {h.low64, h.high64};
    if (keys_[row].low == 0 && keys_[row].high == 0) keys_[row].low = 1;  // (0, 0): empty slot
  }
  Reserve(used_ + n);
  const size_t mask = slots_.size() - 1;
  keep_.assign(n, 1);
  size_t dropped = 0;
  for (size_t row = 0; row < n; ++row) {
    if (row + kPrefetchDistance < n) {
      __builtin_prefetch(&slots_[keys_[row + kPrefetchDistance].low & mask], 1);
    }
    if (!Insert(keys_[row])) {
      keep_[row] = 0;
      ++dropped;
    }
  }
  if (dropped > 0) batch.Filter(keep_);
  return dropped;
}

}  // namespace bx
