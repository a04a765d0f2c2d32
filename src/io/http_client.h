#pragma once
// A small blocking HTTP client on libcurl for the object-store and warehouse destinations.
// Thread-safe: up to `max_connections` requests run at once (further callers wait), each on a
// pooled curl handle that keeps its connection alive between requests. DNS and TLS sessions are
// shared across handles. TLS uses the system CA store; proxies come from the environment
// (http_proxy, https_proxy, no_proxy), as with the curl command.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bx {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  HttpHeaders headers;    // sent as given; Content-Length is added from the body
  std::string_view body;  // not owned; must outlive Send()
  // When set and it becomes true, the transfer stops within about a second (kCancelled).
  const std::atomic<bool>* cancel = nullptr;
  // When set, a 2xx response's body is handed over chunk by chunk as it arrives, instead of
  // being kept in HttpResponse::body (which then holds only another status's body, its first
  // 1 MiB). Returning false stops the transfer (kCancelled).
  std::function<bool(std::string_view)> on_body;
  // Asks for a compressed body (Accept-Encoding: every coding libcurl decodes); what arrives,
  // in `body` or `on_body`, is decoded.
  bool accept_compressed = false;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // names lower-cased
  std::string body;

  // The first header named `name` (lower case), if any.
  std::optional<std::string> Header(std::string_view name) const;
};

struct HttpClientOptions {
  long connect_timeout_ms = 10'000;
  // A transfer slower than `low_speed_bytes` per second for `low_speed_seconds` is aborted.
  long low_speed_bytes = 1024;
  long low_speed_seconds = 30;
  size_t max_connections = 8;
};

// Why a request got no HTTP response at all.
enum class TransportFailure {
  kCannotResolve,  // the host name does not resolve
  kTls,            // certificate or TLS handshake problem
  kBadUrl,         // malformed URL or unsupported scheme
  kConnection,     // refused, reset, timed out: usually transient
  kCancelled,      // HttpRequest::cancel became true
};

// Thrown by Send when no response arrived. The message never contains header values.
class HttpTransportError : public std::runtime_error {
 public:
  HttpTransportError(TransportFailure failure, const std::string& message)
      : std::runtime_error(message), failure_(failure) {}
  TransportFailure failure() const { return failure_; }

 private:
  TransportFailure failure_;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads the whole response. Throws HttpTransportError when no response
  // arrived; any HTTP status is a response.
  HttpResponse Send(const HttpRequest& request);

 private:
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  HttpClientOptions options_;
  void* share_ = nullptr;      // CURLSH: DNS cache and TLS sessions
  std::mutex share_locks_[8];  // one per curl_lock_data kind
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<void*> idle_;  // CURL easy handles, each with its live connection
  size_t created_ = 0;
};

}  // namespace bx
