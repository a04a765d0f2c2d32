#pragma once
// The digests S3 requests need, on OpenSSL.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace bx::s3 {

using Sha256Digest = std::array<uint8_t, 32>;
using Md5Digest = std::array<uint8_t, 16>;

Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::string_view key, std::string_view data);
Md5Digest Md5(std::string_view data);

std::string Hex(const uint8_t* data, size_t size);  // lower case
template <size_t N>
std::string Hex(const std::array<uint8_t, N>& digest) {
  return Hex(digest.data(), N);
}
std::string Base64(const uint8_t* data, size_t size);
template <size_t N>
std::string Base64(const std::array<uint8_t, N>& digest) {
  return Base64(digest.data(), N);
}

inline std::string Sha256Hex(std::string_view data) { return Hex(Sha256(data)); }

}  // namespace bx::s3
