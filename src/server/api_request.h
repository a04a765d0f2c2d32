#pragma once
// The API's view of an HTTP exchange, independent of the HTTP library, so the router is tested
// without sockets.

#include <map>
#include <string>

namespace bx {

struct ApiRequest {
  std::string method;  // "GET", "POST", "PATCH", "DELETE"
  std::string path;    // without the query string
  std::map<std::string, std::string> query;
  std::string body;
  std::string base_url;  // "http://host:port", for the `next` links of lists
};

struct ApiResponse {
  int status = 200;
  std::string body;   // JSON; empty for 204
  std::string allow;  // the Allow header of a 405
};

}  // namespace bx
