#pragma once
// Parquet's RLE / bit-packing hybrid encoding (Encodings.md, "RLE = 3"), used for definition
// levels and dictionary indices. Runs of 8 or more equal values become RLE runs; everything
// else is bit-packed, LSB first, in groups of 8 values.

#include <cstddef>
#include <cstdint>
#include <string>

namespace bx::parquet {

// Bits needed to store `max_value` (0 for 0).
int BitWidth(uint64_t max_value);

// Packs 8 values of `bit_width` bits into bit_width bytes, least significant bit first.
void BitPack8(const uint32_t* values, int bit_width, std::string& out);

class RleEncoder {
 public:
  // Appends to `out`; no length prefix (the caller adds one where the page format needs it).
  RleEncoder(int bit_width, std::string* out);

  void Put(uint32_t value) {
    if (run_count_ > 0 && value == run_value_) {
      ++run_count_;
      return;
    }
    EndRun();
    run_value_ = value;
    run_count_ = 1;
  }
  void PutRepeated(uint32_t value, size_t count);
  // Writes everything pending. The last bit-packed group is padded with zeros, which readers
  // ignore because they know the value count.
  void Flush();

 private:
  void EndRun();
  void FlushLiterals(bool pad);
  void WriteRleRun(uint32_t value, size_t count);

  int bit_width_;
  std::string* out_;
  uint32_t run_value_ = 0;
  size_t run_count_ = 0;
  // Values waiting to be bit-packed; flushed in whole groups of 8.
  uint32_t literals_[512];
  size_t num_literals_ = 0;
};

// Encodes `n` definition levels (0 or 1 bytes) with bit width 1: one RLE run when the page has no
// nulls or only nulls, the hybrid otherwise.
void EncodeDefinitionLevels(const uint8_t* levels, size_t n, size_t null_count, std::string& out);

}  // namespace bx::parquet
