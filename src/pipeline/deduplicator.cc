#include "pipeline/deduplicator.h"

#include <xxhash.h>

#include <algorithm>

namespace bx {

Deduplicator::Deduplicator(std::vector<size_t> columns, size_t memory_keys)
    : columns_(std::move(columns)), seen_(memory_keys) {}

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
  }
  seen_.Insert(keys_, keep_);
  const size_t dropped = n - static_cast<size_t>(std::count(keep_.begin(), keep_.end(), 1));
  if (dropped > 0) batch.Filter(keep_);
  return dropped;
}

}  // namespace bx
