#include "server/auth.h"

namespace bx {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  // Keeps the compiler from turning the loop into an early-exit comparison.
  asm volatile("" : "+r"(diff));
  return diff == 0;
}

bool IsAuthorized(std::string_view authorization, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  if (token.empty() || authorization.size() <= kScheme.size()) return false;
  // The scheme is case-insensitive (RFC 7235).
  for (size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    const char want = kScheme[i];
    if ((c | 0x20) != (want | 0x20)) return false;
  }
  return ConstantTimeEquals(authorization.substr(kScheme.size()), token);
}

}  // namespace bx
