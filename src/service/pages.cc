#include "service/pages.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <string_view>

#include "base/error.h"

namespace bx {
namespace {

bool InTeam(const StoredExport& e, const std::optional<int64_t>& team_id) {
  if (!team_id) return true;
  const auto it = e.config.find("team_id");
  return it != e.config.end() && it->is_number_integer() && it->get<int64_t>() == *team_id;
}

}  // namespace

std::optional<PageCursor> ParseCursor(const ListOptions& options) {
  if (!options.cursor || options.cursor->empty()) return std::nullopt;
  PageCursor cursor;
  std::string_view text = *options.cursor;
  if (text.front() == 'p') {
    cursor.before = true;
    text.remove_prefix(1);
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cursor.seq);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || cursor.seq <= 0) {
    throw InvalidArgument("cursor", "is not a cursor this service handed out");
  }
  return cursor;
}

size_t PageSize(const ListOptions& options) {
  if (options.limit == 0 || options.limit > kMaxPageSize) {
    throw InvalidArgument("limit", fmt::format("must be from 1 to {}", kMaxPageSize));
  }
  return options.limit;
}

std::optional<int64_t> StartOfPageBefore(
    int64_t seq, size_t limit, bool descending,
    const std::function<std::vector<int64_t>(std::optional<int64_t> after, size_t n)>& fetch) {
  // The last limit + 1 rows before `seq`: that page and the row before it, whose seq is the
  // store cursor the page starts after.
  std::deque<int64_t> window;
  std::optional<int64_t> after;
  for (bool more = true; more;) {
    const std::vector<int64_t> seqs = fetch(after, kMaxPageSize);
    for (const int64_t s : seqs) {
      if (descending ? s <= seq : s >= seq) {
        more = false;
        break;
      }
      window.push_back(s);
      if (window.size() > limit + 1) window.pop_front();
    }
    if (seqs.size() < kMaxPageSize) more = false;
    if (!seqs.empty()) after = seqs.back();
  }
  if (window.size() <= limit) return std::nullopt;
  return window.front();
}

Page<ExportRecord> ListExportsPage(
    StateStore& store, const ListOptions& options,
    const std::function<ExportRecord(const StoredExport&)>& convert) {
  const size_t limit = PageSize(options);
  const std::optional<PageCursor> cursor = ParseCursor(options);
  std::vector<StoredExport> all;  // newest first
  std::optional<int64_t> before;
  for (;;) {
    std::vector<StoredExport> rows = store.ListExports(before, kMaxPageSize);
    for (StoredExport& e : rows) {
      if (InTeam(e, options.team_id)) all.push_back(std::move(e));
    }
    if (rows.size() < kMaxPageSize) break;
    before = rows.back().seq;
  }
  size_t start = 0;
  if (cursor) {
    while (start < all.size() && all[start].seq > cursor->seq) ++start;
    if (cursor->before) {
      start = start > limit ? start - limit : 0;
    } else if (start < all.size() && all[start].seq == cursor->seq) {
      ++start;
    }
  }
  start += std::min(options.offset, all.size() - start);
  const size_t end = std::min(all.size(), start + limit);
  Page<ExportRecord> page;
  for (size_t i = start; i < end; ++i) page.results.push_back(convert(all[i]));
  if (end < all.size()) page.next = std::to_string(all[end - 1].seq);
  if (start > 0) {
    const size_t previous_start = start > limit ? start - limit : 0;
    page.previous = previous_start == 0 ? "" : std::to_string(all[previous_start - 1].seq);
  }
  page.count = all.size();
  return page;
}

}  // namespace bx
