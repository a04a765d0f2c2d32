#pragma once
// Which web page origins may call the server from a browser (CORS). Two lists: the ingestion
// paths (capture, flags), open to any origin by default since browser SDKs call them from the
// sites they are embedded in and they take no token; and the API, closed to browsers unless
// origins are named. An allowed origin is echoed in Access-Control-Allow-Origin (never "*", so
// SDKs that send credentials, as posthog-js's XHR does, are answered too).

#include <string>
#include <string_view>
#include <vector>

namespace bx {

struct CorsOrigins {
  bool any = false;                  // "*"
  std::vector<std::string> origins;  // lowercase "scheme://host[:port]"

  bool Allows(std::string_view origin) const;
  bool empty() const { return !any && origins.empty(); }
};

// A comma-separated list: "*", or origins like "https://app.example.com,http://localhost:3000";
// empty for none. Throws InvalidArgument(`flag`, ...) for an entry that is not an origin (a path
// or a trailing slash, no scheme).
CorsOrigins ParseCorsOrigins(std::string_view list, const std::string& flag);

}  // namespace bx
