#pragma once
// Identifiers of generated events: UUIDv7 from time and randomness, name-based UUIDs.

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "source/embedded/sample_rng.h"

namespace bx::sample {

// "00" .. "ff": two hex digits per byte.
inline constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (int i = 0; i < 256; ++i) {
    pairs[2 * i] = kDigits[i >> 4];
    pairs[2 * i + 1] = kDigits[i & 0xF];
  }
  return pairs;
}();

// Writes hi/lo as lowercase 8-4-4-4-12 into a 36-byte buffer.
inline void WriteUuid(uint64_t hi, uint64_t lo, char* out) {
  char hex[32];
  for (int i = 0; i < 8; ++i) {
    std::memcpy(hex + 2 * i, &kHexPairs[2 * ((hi >> (56 - 8 * i)) & 0xFF)], 2);
    std::memcpy(hex + 16 + 2 * i, &kHexPairs[2 * ((lo >> (56 - 8 * i)) & 0xFF)], 2);
  }
  std::memcpy(out, hex, 8);
  out[8] = '-';
  std::memcpy(out + 9, hex + 8, 4);
  out[13] = '-';
  std::memcpy(out + 14, hex + 12, 4);
  out[18] = '-';
  std::memcpy(out + 19, hex + 16, 4);
  out[23] = '-';
  std::memcpy(out + 24, hex + 20, 12);
}

// UUIDv7: 48 bits of unix milliseconds, version 7, 12 + 62 random bits, variant 0b10.
inline void WriteUuidV7(int64_t unix_ms, uint64_t rand_a, uint64_t rand_b, char* out) {
  const uint64_t hi = (static_cast<uint64_t>(unix_ms) << 16) | 0x7000 | (rand_a & 0xFFF);
  const uint64_t lo = (rand_b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  WriteUuid(hi, lo, out);
}

inline void AssignUuidV7(int64_t unix_ms, uint64_t rand_a, uint64_t rand_b, std::string& out) {
  out.resize(36);
  WriteUuidV7(unix_ms, rand_a, rand_b, out.data());
}

inline void AppendNumber(uint64_t value, std::string& out) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, result.ptr);
}

}  // namespace bx::sample
