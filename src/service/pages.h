#pragma once
// Keyset pagination of the API's lists: the cursor is the last row's sequence number, and a
// page is fetched one row longer than asked to know whether a next page exists.
//
// The link to the previous page is the cursor "p<seq>": the page of rows just before the row
// `seq` (the first row of the page that links to it). The stores read in one direction only, so
// following it reads the earlier rows again, kMaxPageSize at a time, to find where that page
// starts; making the link costs nothing.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/records.h"
#include "state/state_store.h"

namespace bx {

inline constexpr size_t kMaxPageSize = 1000;

struct PageCursor {
  int64_t seq = 0;
  bool before = false;  // "p<seq>": the page just before the row `seq`
};

// The cursor of `options`, or nullopt for the first page; throws InvalidArgument("cursor").
std::optional<PageCursor> ParseCursor(const ListOptions& options);
// The page size of `options`; throws InvalidArgument("limit") outside 1..kMaxPageSize.
size_t PageSize(const ListOptions& options);

template <typename Stored>
int64_t SeqOf(const Stored& row) {
  return row.seq;
}
template <typename T>
int64_t SeqOf(const std::pair<int64_t, T>& row) {
  return row.first;
}

// The store cursor at which the `limit` rows just before the row `seq` start (nullopt: they are
// the first page). `fetch(after, n)` reads up to n rows' seqs in list order after the store
// cursor `after` (nullopt: from the start); `descending`: the list is newest first.
std::optional<int64_t> StartOfPageBefore(
    int64_t seq, size_t limit, bool descending,
    const std::function<std::vector<int64_t>(std::optional<int64_t> after, size_t n)>& fetch);

// A page of a keyset list with its next and previous cursors: `fetch(after, n)` reads up to n
// rows in list order after the store cursor `after` (nullopt: from the start), as the stores'
// List* calls do.
template <typename Stored, typename Record, typename Fetch, typename Convert>
Page<Record> KeysetPage(const ListOptions& options, bool descending, Fetch fetch, Convert convert) {
  const size_t limit = PageSize(options);
  std::optional<int64_t> after;
  if (const std::optional<PageCursor> cursor = ParseCursor(options)) {
    after = cursor->seq;
    if (cursor->before) {
      after = StartOfPageBefore(cursor->seq, limit, descending,
                                [&](std::optional<int64_t> from, size_t n) {
                                  std::vector<int64_t> seqs;
                                  for (const Stored& row : fetch(from, n)) {
                                    seqs.push_back(SeqOf(row));
                                  }
                                  return seqs;
                                });
    }
  }
  std::vector<Stored> rows = fetch(after, limit + 1);
  Page<Record> page;
  if (after && !rows.empty()) page.previous = "p" + std::to_string(SeqOf(rows.front()));
  if (rows.size() > limit) {
    rows.resize(limit);
    page.next = std::to_string(SeqOf(rows.back()));
  }
  for (auto& r : rows) page.results.push_back(convert(r));
  return page;
}

// The exports list: newest first, only `options.team_id`'s exports when it is set, from the
// cursor and `options.offset` on, with the count of the whole (filtered) list. Reads every
// export in the store: exports are few, and the count and the team filter need them all.
Page<ExportRecord> ListExportsPage(StateStore& store, const ListOptions& options,
                                   const std::function<ExportRecord(const StoredExport&)>& convert);

}  // namespace bx
