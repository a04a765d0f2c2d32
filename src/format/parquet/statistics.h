#pragma once
// Column chunk statistics (parquet.thrift `Statistics`): null_count always, min_value/max_value
// when the chunk has a non-null value. Strings compare as unsigned bytes (the STRING logical
// type's order) and are truncated to a bounded size: min to a prefix (a prefix sorts before the
// value), max to a prefix whose last character is incremented (so it sorts after every value
// with that prefix), or no max at all when no such string exists. Truncation keeps UTF-8 valid,
// as the spec asks bounds to be "valid values within the column's logical type".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "format/parquet/thrift_compact.h"

namespace bx::parquet {

inline constexpr size_t kStatisticsTruncateBytes = 64;

struct EncodedStatistics {
  int64_t null_count = 0;
  bool has_min = false;
  bool has_max = false;
  std::string min_value;  // PLAIN encoding, without a length prefix for byte arrays
  std::string max_value;
  bool min_exact = true;
  bool max_exact = true;
};

// A lower bound of `value` of at most `limit` bytes: `value` itself or a prefix of it.
std::string TruncateMin(std::string_view value, size_t limit);
// An upper bound of `value` of at most `limit` (+3 when the incremented character's encoding
// grows) bytes, or nullopt when there is none (the prefix is all U+10FFFF / 0xFF).
std::optional<std::string> TruncateMax(std::string_view value, size_t limit);

// Running min/max of a string column chunk; keeps copies of the current bounds.
class StringStats {
 public:
  void Update(std::string_view v) {
    if (!has_) {
      min_.assign(v);
      max_.assign(v);
      has_ = true;
      return;
    }
    if (v < min_) min_.assign(v);
    if (v > max_) max_.assign(v);
  }
  void Reset() { has_ = false; }
  EncodedStatistics Encode(int64_t null_count, size_t limit = kStatisticsTruncateBytes) const;

 private:
  bool has_ = false;
  std::string min_, max_;
};

class Int64Stats {
 public:
  void Update(int64_t v) {
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
    has_ = true;
  }
  // For a run of values already reduced to their min and max.
  void UpdateRange(int64_t lo, int64_t hi) {
    Update(lo);
    Update(hi);
  }
  void Reset();
  // `bytes`: 8 for INT64 (little endian), 1 for BOOLEAN.
  EncodedStatistics Encode(int64_t null_count, int bytes) const;

 private:
  bool has_ = false;
  int64_t min_ = INT64_MAX;
  int64_t max_ = INT64_MIN;
};

// Writes `s` as the Statistics struct in field `field_id` of the current struct.
void WriteStatistics(CompactWriter& w, int16_t field_id, const EncodedStatistics& s);

}  // namespace bx::parquet
