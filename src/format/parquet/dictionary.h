#pragma once
// The dictionary of one string column chunk: an open-addressing hash table of indices into an
// owned arena. The arena holds the entries already PLAIN-encoded (4-byte length + bytes), so it
// is the dictionary page body as is. Nothing is allocated per value once the table has grown.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bx::parquet {

uint64_t HashBytes(std::string_view s);

class StringDictionary {
 public:
  static constexpr uint32_t kRejected = 0xffffffffu;

  StringDictionary();

  // The index of `value`, adding it when new. A new value that would make PlainBytes() exceed
  // `max_plain_bytes` is not added: returns kRejected. `*added` tells whether it was added.
  uint32_t Insert(std::string_view value, uint64_t max_plain_bytes, bool* added);

  size_t size() const { return offsets_.size(); }
  // Size of the dictionary page body (PLAIN encoding of the entries).
  uint64_t PlainBytes() const { return arena_.size(); }
  const std::string& plain() const { return arena_; }
  std::string_view entry(uint32_t i) const;
  void Clear();

 private:
  struct Slot {
    uint32_t index_plus_one;  // 0: empty
    uint32_t hash;            // low 32 bits of the hash, to skip most key comparisons
  };
  void Grow();

  std::string arena_;
  std::vector<uint64_t> offsets_;  // start of entry i's length prefix in arena_
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

}  // namespace bx::parquet
