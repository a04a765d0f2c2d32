#pragma once

#include <string>

namespace bx {

// A random (version 4) UUID: "3f0c6a2e-...".
std::string NewUuid();

}  // namespace bx
