#include "pipeline/deduplicator.h"

#include <xxhash.h>

namespace bx {

Deduplicator::Deduplicator(std::vector<size_t> columns) : columns_(std::move(columns)) {}

bool Deduplicator::Insert(uint64_t low, uint64_t high) {
  if (low == 0 && high == 0) low = 1;  // (0, 0) marks an empty slot
  if ((used_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = low & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.low == 0 && s.high == 0) {
      s = {low, high};
      ++used_;
      return true;
    }
    if (s.low == low && s.high == high) return false;
  }
}

void Deduplicator::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1 << 16 : old.size() * 2, Slot{});
  used_ = 0;
  for (const Slot& s : old) {
    if (s.low != 0 || s.high != 0) Insert(s.low, s.high);
  }
}

size_t Deduplicator::Filter(RecordBatch& batch) {
  if (columns_.empty()) return 0;
  const size_t n = batch.num_rows();
  keep_.assign(n, 1);
  size_t dropped = 0;
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
    if (!Insert(h.low64, h.high64)) {
      keep_[row] = 0;
      ++dropped;
    }
  }
  if (dropped > 0) batch.Filter(keep_);
  return dropped;
}

}  // namespace bx
