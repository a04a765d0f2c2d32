#pragma once
// Bearer-token check for /api/: the token is compared in constant time so response timing
// reveals nothing about how much of a guess was right.

#include <string_view>

namespace bx {

// Compares every byte whatever the first difference; lengths are not secret.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// True when `authorization` (the header's value) is "Bearer <token>" with the right token.
bool IsAuthorized(std::string_view authorization, std::string_view token);

}  // namespace bx
