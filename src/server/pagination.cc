#include "server/pagination.h"

#include <charconv>

#include "base/error.h"

namespace bx {

ListOptions ParseListOptions(const ApiRequest& request) {
  ListOptions options;
  if (auto it = request.query.find("cursor"); it != request.query.end() && !it->second.empty()) {
    options.cursor = it->second;
  }
  if (auto it = request.query.find("limit"); it != request.query.end()) {
    const std::string& text = it->second;
    size_t limit = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc() || end != text.data() + text.size() || limit < 1 ||
        limit > kMaxPageLimit) {
      throw InvalidArgument(
          "limit", "'" + text + "' is not a number from 1 to " + std::to_string(kMaxPageLimit));
    }
    options.limit = limit;
  }
  return options;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string PageUrl(const ApiRequest& request, const std::string& cursor) {
  std::string url = request.base_url + request.path;
  char separator = '?';
  for (const auto& [key, value] : request.query) {
    if (key == "cursor" || key == "offset") continue;
    url += separator + UrlEncode(key) + "=" + UrlEncode(value);
    separator = '&';
  }
  return cursor.empty() ? url : url + separator + "cursor=" + UrlEncode(cursor);
}

size_t ParseOffset(const ApiRequest& request) {
  const auto it = request.query.find("offset");
  if (it == request.query.end() || it->second.empty()) return 0;
  size_t offset = 0;
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw InvalidArgument("offset", "'" + text + "' is not a number of items to skip");
  }
  return offset;
}

}  // namespace bx
