#include "format/parquet/statistics.h"

#include <cstring>

#include "base/strings.h"

namespace bx::parquet {
namespace {

inline bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Longest prefix of `v` of at most `limit` bytes that does not split a UTF-8 sequence.
size_t PrefixLength(std::string_view v, size_t limit) {
  if (v.size() <= limit) return v.size();
  size_t cut = limit;
  while (cut > 0 && IsContinuation(static_cast<unsigned char>(v[cut]))) --cut;
  return cut;
}

// Decodes the well-formed UTF-8 sequence s[at, end) as one code point, or returns false.
bool DecodeLast(std::string_view s, size_t at, uint32_t* cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size() - at;
  const unsigned char c = p[at];
  uint32_t v;
  size_t need;
  if (c < 0x80) {
    v = c, need = 1;
  } else if ((c & 0xe0) == 0xc0) {
    v = c & 0x1f, need = 2;
  } else if ((c & 0xf0) == 0xe0) {
    v = c & 0x0f, need = 3;
  } else if ((c & 0xf8) == 0xf0) {
    v = c & 0x07, need = 4;
  } else {
    return false;
  }
  if (n != need) return false;
  for (size_t i = 1; i < need; ++i) {
    if (!IsContinuation(p[at + i])) return false;
    v = (v << 6) | (p[at + i] & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[need] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return false;
  *cp = v;
  return true;
}

}  // namespace

std::string TruncateMin(std::string_view value, size_t limit) {
  return std::string(value.substr(0, PrefixLength(value, limit)));
}

std::optional<std::string> TruncateMax(std::string_view value, size_t limit) {
  if (value.size() <= limit) return std::string(value);
  std::string p(value.substr(0, PrefixLength(value, limit)));
  while (!p.empty()) {
    // Start of the last character (at most 3 continuation bytes back).
    size_t at = p.size() - 1;
    while (at > 0 && p.size() - at < 4 && IsContinuation(static_cast<unsigned char>(p[at]))) --at;
    uint32_t cp;
    if (DecodeLast(p, at, &cp)) {
      uint32_t next = cp + 1;
      if (next == 0xd800) next = 0xe000;  // skip the surrogates
      p.resize(at);
      if (next <= 0x10ffff) {
        // UTF-8 preserves code point order byte-wise and no encoding is a prefix of another,
        // so prefix + enc(cp + 1) sorts after every string starting with prefix + enc(cp).
        AppendUtf8(next, p);
        return p;
      }
      continue;  // U+10FFFF cannot be incremented: carry into the previous character
    }
    // Not UTF-8 (the column holds other bytes): increment the last byte.
    const auto last = static_cast<unsigned char>(p.back());
    if (last < 0xff) {
      p.back() = static_cast<char>(last + 1);
      return p;
    }
    p.pop_back();
  }
  return std::nullopt;
}

EncodedStatistics StringStats::Encode(int64_t null_count, size_t limit) const {
  EncodedStatistics s;
  s.null_count = null_count;
  if (!has_) return s;
  s.has_min = true;
  s.min_value = TruncateMin(min_, limit);
  s.min_exact = s.min_value.size() == min_.size();
  std::optional<std::string> max = TruncateMax(max_, limit);
  if (max) {
    s.has_max = true;
    s.max_exact = max->size() == max_.size() && *max == max_;
    s.max_value = std::move(*max);
  }
  return s;
}

void Int64Stats::Reset() {
  has_ = false;
  min_ = INT64_MAX;
  max_ = INT64_MIN;
}

EncodedStatistics Int64Stats::Encode(int64_t null_count, int bytes) const {
  EncodedStatistics s;
  s.null_count = null_count;
  if (!has_) return s;
  s.has_min = s.has_max = true;
  s.min_value.assign(reinterpret_cast<const char*>(&min_), bytes);  // little endian
  s.max_value.assign(reinterpret_cast<const char*>(&max_), bytes);
  return s;
}

void WriteStatistics(CompactWriter& w, int16_t field_id, const EncodedStatistics& s) {
  w.FieldStructBegin(field_id);
  w.FieldI64(3, s.null_count);
  if (s.has_max) w.FieldBinary(5, s.max_value);
  if (s.has_min) w.FieldBinary(6, s.min_value);
  if (s.has_max) w.FieldBool(7, s.max_exact);
  if (s.has_min) w.FieldBool(8, s.min_exact);
  w.EndStruct();
}

}  // namespace bx::parquet
