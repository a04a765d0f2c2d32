#include "io/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace bx {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void EnsureCurlGlobal() {
  static CurlGlobal global;  // thread-safe one-time init, before any handle exists
}

void LockShared(CURL*, curl_lock_data data, curl_lock_access, void* userptr) {
  static_cast<std::mutex*>(userptr)[data % 8].lock();
}

void UnlockShared(CURL*, curl_lock_data data, void* userptr) {
  static_cast<std::mutex*>(userptr)[data % 8].unlock();
}

struct UploadState {
  std::string_view body;
  size_t offset = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* userdata) {
  auto* state = static_cast<UploadState*>(userdata);
  const size_t n = std::min(size * count, state->body.size() - state->offset);
  std::memcpy(buffer, state->body.data() + state->offset, n);
  state->offset += n;
  return n;
}

// Lets curl rewind the body when it has to resend it (a redirect, a 100-continue refusal).
int SeekBody(void* userdata, curl_off_t offset, int origin) {
  auto* state = static_cast<UploadState*>(userdata);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > state->body.size()) {
    return CURL_SEEKFUNC_FAIL;
  }
  state->offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

struct DownloadState {
  CURL* curl;
  const HttpRequest* request;
  HttpResponse* response;
};

// A body that is not streamed to on_body is kept up to this size (an error's explanation).
constexpr size_t kMaxStreamedErrorBody = 1 << 20;

size_t WriteBody(char* data, size_t size, size_t count, void* userdata) {
  auto* state = static_cast<DownloadState*>(userdata);
  const std::string_view chunk(data, size * count);
  if (state->request->on_body) {
    long status = 0;
    curl_easy_getinfo(state->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return state->request->on_body(chunk) ? chunk.size() : 0;
    std::string& body = state->response->body;
    body.append(
        chunk.substr(0, kMaxStreamedErrorBody - std::min(body.size(), kMaxStreamedErrorBody)));
    return chunk.size();
  }
  state->response->body.append(chunk);
  return chunk.size();
}

size_t WriteHeader(char* data, size_t size, size_t count, void* userdata) {
  auto* response = static_cast<HttpResponse*>(userdata);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    response->headers.clear();  // a new response (after 100 Continue or a redirect)
    return size * count;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  response->headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

TransportFailure Classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return TransportFailure::kCannotResolve;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return TransportFailure::kBadUrl;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return TransportFailure::kTls;
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:  // on_body returned false
      return TransportFailure::kCancelled;
    default:
      return TransportFailure::kConnection;
  }
}

// curl calls this at least once a second, also while no byte moves.
int StopWhenCancelled(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(userdata)->load() ? 1 : 0;
}

// "scheme://host:port" of a URL: what an error message may show (no path, no query).
std::string Origin(const std::string& url) {
  const size_t scheme_end = url.find("://");
  const size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t path_start = url.find_first_of("/?", host_start);
  return url.substr(0, path_start);
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

HttpClient::HttpClient(HttpClientOptions options) : options_(options) {
  EnsureCurlGlobal();
  CURLSH* share = curl_share_init();
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(share, CURLSHOPT_LOCKFUNC, LockShared);
  curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, UnlockShared);
  curl_share_setopt(share, CURLSHOPT_USERDATA, share_locks_);
  share_ = share;
  if (options_.max_connections == 0) options_.max_connections = 1;
}

HttpClient::~HttpClient() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
  curl_share_cleanup(static_cast<CURLSH*>(share_));
}

void* HttpClient::AcquireHandle() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [this] { return !idle_.empty() || created_ < options_.max_connections; });
  if (!idle_.empty()) {
    void* handle = idle_.back();
    idle_.pop_back();
    return handle;
  }
  ++created_;
  lock.unlock();
  CURL* curl = curl_easy_init();
  if (!curl) {
    std::lock_guard relock(mu_);
    --created_;
    available_.notify_one();
    throw HttpTransportError(TransportFailure::kConnection, "cannot create a curl handle");
  }
  return curl;
}

void HttpClient::ReleaseHandle(void* handle) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(handle);
  }
  available_.notify_one();
}

HttpResponse HttpClient::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  struct Release {
    HttpClient* client;
    CURL* curl;
    ~Release() { client->ReleaseHandle(curl); }
  } release{this, curl};

  curl_easy_reset(curl);  // keeps the live connection and caches, clears the options
  HttpResponse response;
  UploadState upload{request.body, 0};
  DownloadState download{curl, &request, &response};
  char error[CURL_ERROR_SIZE] = {0};

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip and no default content type: S3 signs what is sent.
  headers = curl_slist_append(headers, "Expect:");
  headers = curl_slist_append(headers, "Accept:");

  curl_easy_setopt(curl, CURLOPT_SHARE, share_);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.low_speed_seconds);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "batch-export/" BX_VERSION);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &download);
  if (request.accept_compressed) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);

  if (request.cancel) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, StopWhenCancelled);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(request.cancel));
  }

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    // Bodies are multi-MiB parts: curl's 64 KiB default costs a read callback and a send() per
    // 64 KiB; 1 MiB (curl's maximum is 2 MiB) cuts both sixteenfold.
    curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, 1L << 20);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, SeekBody);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    std::string detail = error[0] ? error : curl_easy_strerror(code);
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    throw HttpTransportError(Classify(code),
                             request.method + " " + Origin(request.url) + ": " + detail);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace bx
