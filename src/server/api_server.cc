#include "server/api_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/log.h"
#include "server/api_error.h"
#include "server/api_router.h"
#include "server/auth.h"
#include "server/capture_decode.h"
#include "server/capture_handler.h"
#include "server/flags_response.h"
#include "server/ingest_paths.h"
#include "server/ui_assets.h"

namespace bx {
namespace {

// Set by the pre-routing handler and read by the logger: both run on the request's thread.
thread_local std::chrono::steady_clock::time_point request_started;

Micros SystemNow() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Send(httplib::Response& res, const ApiResponse& r) {
  res.status = r.status;
  if (!r.allow.empty()) res.set_header("Allow", r.allow);
  if (r.status != 204) res.set_content(r.body, "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& type,
               const std::string& detail) {
  Send(res, {status, ErrorBody({status, type, detail, std::nullopt}), ""});
}

// The body, read through `reader` up to `limit` bytes (after Content-Encoding is undone);
// nullopt with an error response filled in when it is too large or unreadable.
std::optional<std::string> ReadBody(const httplib::Request& req,
                                    const httplib::ContentReader& reader, size_t limit,
                                    httplib::Response& res) {
  std::string body;
  // A request with neither header has no body (RFC 9112 6.3); cpp-httplib 0.11 would wait for
  // the connection to close instead (`curl -X POST .../pause`).
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) return body;
  bool too_large = false;
  const bool ok = reader([&](const char* data, size_t n) {
    if (body.size() + n > limit) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (ok) return body;
  if (too_large || res.status == 413) {
    SendError(res, 413, "PayloadTooLarge",
              "the request body is larger than " + std::to_string(limit) + " bytes");
  } else if (res.status == 415) {
    SendError(res, 415, "UnsupportedMediaType", "unsupported Content-Encoding");
  } else {
    SendError(res, 400, "InvalidArgument", "the request body could not be read");
  }
  res.set_header("Connection", "close");
  return std::nullopt;
}

ApiRequest ToApiRequest(const httplib::Request& req, std::string body) {
  ApiRequest out;
  out.method = req.method;
  out.path = req.path;
  for (const auto& [key, value] : req.params) out.query[key] = value;
  out.body = std::move(body);
  const std::string host = req.get_header_value("Host");
  out.base_url = "http://" + (host.empty() ? std::string("localhost") : host);
  return out;
}

bool IsApiPath(const std::string& path) { return path == "/api" || path.rfind("/api/", 0) == 0; }

}  // namespace

ApiServer::ApiServer(BatchExportService& service, ApiServerOptions options)
    : service_(service), options_(std::move(options)) {
  if (!options_.now) options_.now = SystemNow;
  DeletePersonFn delete_person;
  if (!options_.event_store.empty()) {
    capture_ =
        std::make_unique<CaptureHandler>(options_.event_store, options_.capture, options_.now);
    delete_person = [this](int64_t team, const std::string& person_id) {
      return capture_->DeletePerson(team, person_id);
    };
  }
  router_ = std::make_unique<ApiRouter>(service_, std::move(delete_person));
  http_ = std::make_unique<httplib::Server>();
  Routes();
}

ApiServer::~ApiServer() { Stop(); }

const CorsOrigins* ApiServer::CorsFor(const std::string& path) const {
  if (ClassifyIngestPath(path) != IngestPath::kNone) return &options_.ingest_cors;
  if (IsApiPath(path)) return &options_.api_cors;
  return nullptr;
}

void ApiServer::HandlePreflight(const httplib::Request& req, httplib::Response& res) {
  const CorsOrigins* cors = CorsFor(req.path);
  if (!cors) return SendError(res, 404, "NotFound", "nothing at " + req.path);
  const bool ingest = cors == &options_.ingest_cors;
  const char* methods = ingest ? "GET, POST, OPTIONS" : "GET, POST, PATCH, PUT, DELETE, OPTIONS";
  const std::string origin = req.get_header_value("Origin");
  if (origin.empty()) {  // not a browser's preflight
    res.status = 204;
    res.set_header("Allow", methods);
    return;
  }
  if (!cors->Allows(origin)) {
    return SendError(res, 403, "Forbidden",
                     "the origin " + origin + " may not call " + req.path +
                         " from a browser; allow it with serve " +
                         (ingest ? "--cors-origins" : "--api-cors-origins"));
  }
  res.status = 204;
  res.set_header("Access-Control-Allow-Methods", methods);
  const std::string asked = req.get_header_value("Access-Control-Request-Headers");
  res.set_header("Access-Control-Allow-Headers", asked.empty() ? "Content-Type" : asked);
  res.set_header("Access-Control-Max-Age", "86400");
}

void ApiServer::HandleCapture(const httplib::Request& req, httplib::Response& res,
                              std::string body) {
  if (!capture_) {
    return SendError(res, 404, "NotFound",
                     "capture is not enabled: serve's --source is not an embedded store");
  }
  CaptureRequestParts parts;
  if (req.has_param("data")) parts.query_data = req.get_param_value("data");
  parts.query_compression = req.get_param_value("compression");
  parts.body = std::move(body);
  std::string events;
  try {
    events = DecodeCapturePayload(parts, options_.max_capture_body_bytes);
  } catch (const Error& e) {
    const HttpError http = ToHttpError(e);
    return Send(res, {http.status, ErrorBody(http), ""});
  }
  ApiResponse response = capture_->Handle(events);
  // sendBeacon callers (?beacon=1) expect no body.
  if (response.status == 200 && req.get_param_value("beacon") == "1") response = {204, "", ""};
  Send(res, response);
}

void ApiServer::HandleFlags(const httplib::Request& req, httplib::Response& res) {
  const bool decide = req.path.rfind("/decide", 0) == 0;
  Send(res, {200,
             NoFlagsBody(decide, req.get_param_value("v"), req.get_param_value("config") == "true",
                         NewUuidV7(options_.now())),
             ""});
}

ServerCounters ApiServer::counters() const {
  ServerCounters c;
  if (capture_) capture_->AddCounters(c);
  c.capture_requests = capture_requests_.Snapshot();
  return c;
}

void ApiServer::Routes() {
  httplib::Server& http = *http_;
  http.set_payload_max_length(
      std::max(options_.max_api_body_bytes, options_.max_capture_body_bytes));
  http.set_keep_alive_max_count(1000);
  http.set_tcp_nodelay(true);  // headers and body go out in separate writes
  http.set_read_timeout(30, 0);
  // cpp-httplib's default is 8 threads; requests that wait on a destination (a check, up to its
  // deadline) must leave plenty for the rest.
  http.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
  // cpp-httplib's default also sets SO_REUSEPORT, with which a second server on the same port
  // starts and the kernel splits the connections between the two. SO_REUSEADDR alone lets a
  // restarted server bind while old connections linger, and refuses a port in use.
  http.set_socket_options([this](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_socket_ = sock;
  });

  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    request_started = std::chrono::steady_clock::now();
    // CORS headers go on every answer to an allowed origin, errors included: a browser SDK
    // that cannot read a 413 cannot shrink its batch.
    if (const CorsOrigins* cors = CorsFor(req.path); cors && !cors->empty()) {
      res.set_header("Vary", "Origin");
      const std::string origin = req.get_header_value("Origin");
      if (cors->Allows(origin)) {
        res.set_header("Access-Control-Allow-Origin", origin);
        if (cors == &options_.ingest_cors) {
          res.set_header("Access-Control-Allow-Credentials", "true");
        }
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Never the query string, headers or body: they may carry the token, keys or secrets.
  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                request_started)
                          .count();
    spdlog::info("http {} {} {} {}B {:.1f}ms from {}", req.method, req.path, res.status,
                 res.body.size(), ms, req.remote_addr);
  });
  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("http {} {}: InternalError: {}", req.method, req.path, what);
        SendError(res, 500, "InternalError", what);
      });
  // Errors the library produces itself (unreadable request, 413 before a handler ran) get the
  // same JSON shape as ours.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const std::string type = res.status == 404   ? "NotFound"
                                 : res.status == 413 ? "PayloadTooLarge"
                                 : res.status < 500  ? "InvalidArgument"
                                                     : "InternalError";
        const std::string detail = res.status == 404   ? "not found"
                                   : res.status == 413 ? "the request body is too large"
                                   : res.status < 500  ? "the request could not be read"
                                                       : "the request failed";
        SendError(res, res.status, type, detail);
        return httplib::Server::HandlerResponse::Handled;
      }));

  auto unauthorized = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value_count("Authorization") > 1) {
      SendError(res, 400, "InvalidArgument",
                "the request has more than one Authorization header; send exactly one");
      return true;
    }
    if (IsAuthorized(req.get_header_value("Authorization"), options_.api_token)) return false;
    res.set_header("WWW-Authenticate", "Bearer");
    SendError(res, 401, "Unauthorized",
              "a valid API token is required: send 'Authorization: Bearer <token>' (the token is "
              "in <data-dir>/api-token)");
    return true;
  };

  auto handle_get = [this, unauthorized](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/healthz") {
      Send(res, {200, R"({"status":"ok"})", ""});
    } else if (req.path == "/metrics") {
      res.set_content(PrometheusText(service_.Metrics(), counters(), ReadProcessMetrics()),
                      "text/plain; version=0.0.4; charset=utf-8");
    } else if (IsApiPath(req.path)) {
      if (!unauthorized(req, res)) Send(res, router_->Handle(ToApiRequest(req, "")));
    } else if (ClassifyIngestPath(req.path) == IngestPath::kCapture) {
      const CountedCaptureRequest counted(capture_requests_, CaptureEndpointOf(req.path),
                                          res.status);
      HandleCapture(req, res, "");
    } else if (ClassifyIngestPath(req.path) == IngestPath::kFlags) {
      HandleFlags(req, res);
    } else if (const std::optional<UiAsset> asset = FindUiAsset(req.path)) {
      for (const auto& [name, value] : UiHeaders()) res.set_header(name, value);
      res.set_content(asset->body.data(), asset->body.size(), std::string(asset->content_type));
    } else {
      SendError(res, 404, "NotFound", "nothing at " + req.path);
    }
  };

  auto handle_body = [this, unauthorized](const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader& reader) {
    if (const IngestPath ingest = ClassifyIngestPath(req.path); ingest != IngestPath::kNone) {
      std::optional<CountedCaptureRequest> counted;
      if (ingest == IngestPath::kCapture) {
        counted.emplace(capture_requests_, CaptureEndpointOf(req.path), res.status);
      }
      if (req.method != "POST") {
        res.set_header("Allow", "GET, POST, OPTIONS");
        return SendError(res, 405, "MethodNotAllowed",
                         req.method + " is not allowed on " + req.path);
      }
      const bool capture = ingest == IngestPath::kCapture;
      // A flags request's body (who is asking) does not change the answer; it is read (to keep
      // the connection usable) within the API's limit.
      auto body =
          ReadBody(req, reader,
                   capture ? options_.max_capture_body_bytes : options_.max_api_body_bytes, res);
      if (!body) return;
      return capture ? HandleCapture(req, res, std::move(*body)) : HandleFlags(req, res);
    }
    if (!IsApiPath(req.path)) return SendError(res, 404, "NotFound", "nothing at " + req.path);
    if (unauthorized(req, res)) return;
    auto body = ReadBody(req, reader, options_.max_api_body_bytes, res);
    if (!body) return;
    Send(res, router_->Handle(ToApiRequest(req, std::move(*body))));
  };

  const std::string any = "/.*";
  http.Get(any, handle_get);
  http.Post(any, handle_body);
  http.Patch(any, handle_body);
  http.Put(any, handle_body);
  http.Delete(any, handle_body);
  http.Options(any, [this](const httplib::Request& req, httplib::Response& res) {
    HandlePreflight(req, res);
  });
}

void ApiServer::Start() {
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    throw Error(ErrorKind::kNonRetryable, "ListenError",
                "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + " (" +
                    std::strerror(errno) +
                    "): is another server using the port? Choose another --listen");
  }
  // cpp-httplib listens with a backlog of 5: under 50 concurrent clients, connections got reset.
  // listen() again on the bound socket raises it.
  if (::listen(listen_socket_, kListenBacklog) != 0) {
    throw Error(ErrorKind::kNonRetryable, "ListenError",
                "cannot listen on " + options_.host + ": " + std::strerror(errno));
  }
  auto listening_ended = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([this, listening_ended] {
    http_->listen_after_bind();
    *listening_ended = true;
  });
  // cpp-httplib 0.11 has no wait_until_ready.
  while (!http_->is_running()) {
    if (*listening_ended) {
      thread_.join();
      throw Error(ErrorKind::kNonRetryable, "ListenError",
                  "the HTTP server on " + options_.host + " stopped at start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void ApiServer::Stop() {
  if (thread_.joinable()) {
    http_->stop();
    thread_.join();
  }
}

}  // namespace bx
