#pragma once
// List pages: `?cursor=...&limit=N` in, `{"results": [...], "next": "<url>" | null}` out.

#include <nlohmann/json.hpp>

#include "server/api_request.h"
#include "service/batch_export_service.h"

namespace bx {

constexpr size_t kMaxPageLimit = 1000;

// Throws InvalidArgument("limit", ...) for a limit that is not 1..kMaxPageLimit.
ListOptions ParseListOptions(const ApiRequest& request);

// The request's URL with `cursor` replaced: the link to the following page.
std::string NextPageUrl(const ApiRequest& request, const std::string& cursor);

std::string UrlEncode(std::string_view text);

template <typename T>
nlohmann::json PageJson(const ApiRequest& request, const Page<T>& page) {
  nlohmann::json results = nlohmann::json::array();
  for (const T& item : page.results) results.push_back(ToJson(item));
  nlohmann::json next = nullptr;
  if (page.next) next = NextPageUrl(request, *page.next);
  return {{"results", std::move(results)}, {"next", std::move(next)}};
}

}  // namespace bx
