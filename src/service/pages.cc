#include "service/pages.h"

#include <fmt/format.h>

#include "base/error.h"

namespace bx {

std::optional<int64_t> ParseCursor(const ListOptions& options) {
  if (!options.cursor || options.cursor->empty()) return std::nullopt;
  try {
    size_t used = 0;
    const int64_t seq = std::stoll(*options.cursor, &used);
    if (used == options.cursor->size() && seq > 0) return seq;
  } catch (const std::exception&) {
  }
  throw InvalidArgument("cursor", "is not a cursor this service handed out");
}

size_t PageSize(const ListOptions& options) {
  if (options.limit == 0 || options.limit > kMaxPageSize) {
    throw InvalidArgument("limit", fmt::format("must be from 1 to {}", kMaxPageSize));
  }
  return options.limit;
}

}  // namespace bx
