#include "format/parquet/rle.h"

#include <algorithm>

#include "format/parquet/thrift_compact.h"

namespace bx::parquet {

int BitWidth(uint64_t max_value) {
  int w = 0;
  while (max_value != 0) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

void BitPack8(const uint32_t* values, int bit_width, std::string& out) {
  if (bit_width == 0) return;
  uint64_t acc = 0;
  int bits = 0;
  const uint64_t mask = bit_width >= 32 ? 0xffffffffull : ((1ull << bit_width) - 1);
  for (int i = 0; i < 8; ++i) {
    acc |= (values[i] & mask) << bits;
    bits += bit_width;
    while (bits >= 8) {
      out.push_back(static_cast<char>(acc & 0xff));
      acc >>= 8;
      bits -= 8;
    }
  }
  // 8 values always fill whole bytes: 8 * bit_width bits.
}

RleEncoder::RleEncoder(int bit_width, std::string* out) : bit_width_(bit_width), out_(out) {}

void RleEncoder::PutRepeated(uint32_t value, size_t count) {
  if (count == 0) return;
  if (run_count_ > 0 && value == run_value_) {
    run_count_ += count;
    return;
  }
  EndRun();
  run_value_ = value;
  run_count_ = count;
}

void RleEncoder::WriteRleRun(uint32_t value, size_t count) {
  AppendVarint(static_cast<uint64_t>(count) << 1, *out_);
  // The repeated value takes round-up-to-byte(bit_width) bytes, little endian.
  const int bytes = (bit_width_ + 7) / 8;
  for (int i = 0; i < bytes; ++i) out_->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void RleEncoder::FlushLiterals(bool pad) {
  if (num_literals_ == 0) return;
  if (pad) {
    while (num_literals_ % 8 != 0) literals_[num_literals_++] = 0;
  }
  const size_t groups = num_literals_ / 8;
  if (groups == 0) return;
  AppendVarint((static_cast<uint64_t>(groups) << 1) | 1, *out_);
  for (size_t g = 0; g < groups; ++g) BitPack8(literals_ + 8 * g, bit_width_, *out_);
  const size_t rest = num_literals_ - groups * 8;
  std::copy(literals_ + groups * 8, literals_ + num_literals_, literals_);
  num_literals_ = rest;
}

void RleEncoder::EndRun() {
  size_t count = run_count_;
  run_count_ = 0;
  if (count == 0) return;
  if (count >= 8) {
    // Complete the pending literals to a multiple of 8 with values of this run, so that the
    // bit-packed run can be closed, then emit the rest as an RLE run if it is still long.
    while (num_literals_ % 8 != 0 && count > 0) {
      literals_[num_literals_++] = run_value_;
      --count;
    }
    if (count >= 8) {
      FlushLiterals(false);
      WriteRleRun(run_value_, count);
      return;
    }
  }
  for (; count > 0; --count) {
    if (num_literals_ == std::size(literals_)) FlushLiterals(false);
    literals_[num_literals_++] = run_value_;
  }
}

void RleEncoder::Flush() {
  EndRun();
  FlushLiterals(true);
}

void EncodeDefinitionLevels(const uint8_t* levels, size_t n, size_t null_count, std::string& out) {
  if (null_count == 0 || null_count == n) {
    // The whole page is one run; an RLE run may be shorter than 8.
    AppendVarint(static_cast<uint64_t>(n) << 1, out);
    out.push_back(null_count == 0 ? 1 : 0);
    return;
  }
  RleEncoder enc(1, &out);
  for (size_t i = 0; i < n; ++i) enc.Put(levels[i]);
  enc.Flush();
}

}  // namespace bx::parquet
