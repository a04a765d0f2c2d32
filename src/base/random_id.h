#pragma once
// Random identifiers for names that must not collide (staged objects, query ids, multipart
// boundaries, one-off attempts). Not for secrets: the generator is not cryptographic.

#include <string>

namespace bx {

// 32 lowercase hex digits (128 random bits).
std::string RandomHex();

}  // namespace bx
