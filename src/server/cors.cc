#include "server/cors.h"

#include <algorithm>
#include <cctype>

#include "base/error.h"

namespace bx {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsOrigin(std::string_view s) {
  const size_t sep = s.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  for (size_t i = 0; i < sep; ++i) {
    const char c = s[i];
    const bool ok = std::isalpha(static_cast<unsigned char>(c)) ||
                    (i > 0 && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' ||
                               c == '-' || c == '.'));
    if (!ok) return false;
  }
  const std::string_view host = s.substr(sep + 3);
  if (host.empty()) return false;
  return std::none_of(host.begin(), host.end(), [](char c) {
    return c == '/' || c == '?' || c == '#' || c == '@' || c == ',' ||
           std::isspace(static_cast<unsigned char>(c));
  });
}

}  // namespace

bool CorsOrigins::Allows(std::string_view origin) const {
  if (origin.empty()) return false;
  if (any) return true;
  const std::string lower = Lower(origin);
  return std::find(origins.begin(), origins.end(), lower) != origins.end();
}

CorsOrigins ParseCorsOrigins(std::string_view list, const std::string& flag) {
  CorsOrigins out;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view entry = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    if (entry == "*") {
      out.any = true;
    } else if (IsOrigin(entry)) {
      out.origins.push_back(Lower(entry));
    } else {
      throw InvalidArgument(flag, "'" + std::string(entry) +
                                      "' is not an origin: write scheme://host[:port] without a "
                                      "path or trailing slash (e.g. https://app.example.com), "
                                      "or * for any");
    }
  }
  return out;
}

}  // namespace bx
