#include "base/random_id.h"

#include <fmt/format.h>

#include <random>

namespace bx {

std::string RandomHex() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", random(), random());
}

}  // namespace bx
