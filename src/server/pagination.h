#pragma once
// List pages: `?cursor=...&limit=N` in (the exports list also takes the reference product's
// `offset`), `{"results": [...], "next": "<url>" | null, "previous": "<url>" | null}` out, and
// `"count"` where the list counts itself (the exports list).

#include <nlohmann/json.hpp>

#include "server/api_request.h"
#include "service/batch_export_service.h"

namespace bx {

constexpr size_t kMaxPageLimit = 1000;

// Throws InvalidArgument("limit", ...) for a limit that is not 1..kMaxPageLimit.
ListOptions ParseListOptions(const ApiRequest& request);
// `?offset=N`: items to skip; throws InvalidArgument("offset", ...) for a negative or non-number.
size_t ParseOffset(const ApiRequest& request);

// The request's URL with `cursor` replaced (and `offset` dropped: the cursor says where the page
// starts): the link to another page. An empty cursor: the first page.
std::string PageUrl(const ApiRequest& request, const std::string& cursor);

std::string UrlEncode(std::string_view text);

template <typename T>
nlohmann::json PageJson(const ApiRequest& request, const Page<T>& page) {
  nlohmann::json results = nlohmann::json::array();
  for (const T& item : page.results) results.push_back(ToJson(item));
  nlohmann::json next = nullptr, previous = nullptr;
  if (page.next) next = PageUrl(request, *page.next);
  if (page.previous) previous = PageUrl(request, *page.previous);
  nlohmann::json out = {{"results", std::move(results)},
                        {"next", std::move(next)},
                        {"previous", std::move(previous)}};
  if (page.count) out["count"] = *page.count;
  return out;
}

}  // namespace bx
