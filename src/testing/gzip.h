#pragma once
// Gzip for tests that send compressed bodies.

#include <string>

namespace bx::testing {

std::string Gzip(const std::string& text);

}  // namespace bx::testing
