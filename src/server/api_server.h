#pragma once
// The HTTP server of `batch-export serve`: the REST API under /api/ (bearer token), the capture
// paths of the product-analytics SDKs (/capture, /batch, /e, /i/v0/e, /track, /engage) and their
// flags calls (/flags, /decide: no flags), CORS for browsers, /healthz and /metrics, and the web
// UI at / (server/ui_assets.h), on cpp-httplib's thread pool.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "base/time.h"
#include "server/capture_parser.h"
#include "server/cors.h"
#include "server/metrics_text.h"
#include "service/batch_export_service.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace bx {

class ApiRouter;
class CaptureHandler;

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: any free port (see ApiServer::port())
  std::string api_token;
  std::filesystem::path event_store;  // where captured events go; empty: no capture endpoint
  CaptureOptions capture;
  size_t max_api_body_bytes = 1 << 20;
  size_t max_capture_body_bytes = 20 << 20;  // after decompression
  std::function<Micros()> now;               // defaults to the system clock
  CorsOrigins ingest_cors{.any = true,
                          .origins = {}};  // capture and flags: any page may send events
  CorsOrigins api_cors;                    // /api/: no browser page unless named
};

class ApiServer {
 public:
  ApiServer(BatchExportService& service, ApiServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts serving on a thread; returns once requests are accepted. Throws bx::Error
  // when the address cannot be bound.
  void Start();
  // Stops accepting, finishes requests in flight, joins the thread. Idempotent.
  void Stop();

  int port() const { return port_; }
  ServerCounters counters() const;

 private:
  void Routes();
  // A capture request (GET or POST, `body` already read): unwrap, store, answer.
  void HandleCapture(const httplib::Request& req, httplib::Response& res, std::string body);
  void HandleFlags(const httplib::Request& req, httplib::Response& res);
  void HandlePreflight(const httplib::Request& req, httplib::Response& res);
  // The origins allowed to call `path` from a browser; nullptr where CORS does not apply.
  const CorsOrigins* CorsFor(const std::string& path) const;

  BatchExportService& service_;
  ApiServerOptions options_;
  std::unique_ptr<ApiRouter> router_;
  std::unique_ptr<CaptureHandler> capture_;
  CaptureRequestCounter capture_requests_;
  std::unique_ptr<httplib::Server> http_;
  int listen_socket_ = -1;  // set by the socket options callback when the server binds
  static constexpr int kListenBacklog = 1024;
  static constexpr size_t kHttpThreads = 32;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace bx
