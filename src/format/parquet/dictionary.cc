#include "format/parquet/dictionary.h"

#include <cstring>

namespace bx::parquet {
namespace {

constexpr size_t kInitialSlots = 1024;

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

}  // namespace

uint64_t HashBytes(std::string_view s) {
  // Multiply-rotate over 8-byte words, then a final avalanche: fast and good enough for a
  // per-chunk hash table (not a persisted hash).
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ull;
  uint64_t h = s.size() * kMul;
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    h = (h ^ Load64(p)) * kMul;
    h = (h << 31) | (h >> 33);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    h = (h ^ tail) * kMul;
  }
  return Mix(h);
}

StringDictionary::StringDictionary() { Clear(); }

void StringDictionary::Clear() {
  arena_.clear();
  offsets_.clear();
  slots_.assign(kInitialSlots, Slot{0, 0});
  mask_ = kInitialSlots - 1;
}

std::string_view StringDictionary::entry(uint32_t i) const {
  const uint64_t at = offsets_[i];
  uint32_t len;
  std::memcpy(&len, arena_.data() + at, 4);
  return {arena_.data() + at + 4, len};
}

uint32_t StringDictionary::Insert(std::string_view value, uint64_t max_plain_bytes, bool* added) {
  *added = false;
  const uint64_t h = HashBytes(value);
  const uint32_t h32 = static_cast<uint32_t>(h);
  uint64_t pos = h32 & mask_;
  while (true) {
    Slot& s = slots_[pos];
    if (s.index_plus_one == 0) break;
    if (s.hash == h32) {
      const uint32_t idx = s.index_plus_one - 1;
      const uint64_t at = offsets_[idx];
      uint32_t len;
      std::memcpy(&len, arena_.data() + at, 4);
      if (len == value.size() && std::memcmp(arena_.data() + at + 4, value.data(), len) == 0) {
        return idx;
      }
    }
    pos = (pos + 1) & mask_;
  }
  if (arena_.size() + 4 + value.size() > max_plain_bytes) return kRejected;
  const uint32_t idx = static_cast<uint32_t>(offsets_.size());
  offsets_.push_back(arena_.size());
  const uint32_t len = static_cast<uint32_t>(value.size());
  arena_.append(reinterpret_cast<const char*>(&len), 4);  // little endian (x86, ARM)
  arena_.append(value);
  slots_[pos] = Slot{idx + 1, h32};
  *added = true;
  if (offsets_.size() * 2 > slots_.size()) Grow();
  return idx;
}

void StringDictionary::Grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot{0, 0});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.index_plus_one == 0) continue;
    // Slots are indexed by the low 32 hash bits, which each slot keeps (indices are 32-bit, so
    // the table never has 2^32 slots).
    uint64_t pos = s.hash & mask_;
    while (slots_[pos].index_plus_one != 0) pos = (pos + 1) & mask_;
    slots_[pos] = s;
  }
}

}  // namespace bx::parquet
