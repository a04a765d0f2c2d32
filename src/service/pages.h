#pragma once
// Keyset pagination of the API's lists: the cursor is the last row's sequence number, and a
// page is fetched one row longer than asked to know whether a next page exists.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/records.h"

namespace bx {

inline constexpr size_t kMaxPageSize = 1000;

// The cursor of `options`, or nullopt for the first page; throws InvalidArgument("cursor").
std::optional<int64_t> ParseCursor(const ListOptions& options);
// The page size of `options`; throws InvalidArgument("limit") outside 1..kMaxPageSize.
size_t PageSize(const ListOptions& options);

// `rows` fetched with limit + 1, as a page of at most `limit` records.
template <typename Stored, typename Record, typename Convert>
Page<Record> MakePage(std::vector<Stored> rows, size_t limit, Convert convert) {
  Page<Record> page;
  if (rows.size() > limit) {
    rows.resize(limit);
    page.next = std::to_string(rows.back().seq);
  }
  for (auto& r : rows) page.results.push_back(convert(r));
  return page;
}

}  // namespace bx
