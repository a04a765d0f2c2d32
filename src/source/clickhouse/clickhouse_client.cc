#include "source/clickhouse/clickhouse_client.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "base/random_id.h"
#include "base/strings.h"

namespace bx {
namespace {

constexpr const char* kRetryableType = "ClickHouseUnavailable";
constexpr const char* kQueryType = "ClickHouseQueryFailed";
constexpr const char* kAuthType = "ClickHouseAuthenticationFailed";

// ClickHouse's error codes (src/Common/ErrorCodes.cpp) that say "try again later".
bool IsTransientCode(int code) {
  switch (code) {
    case 3:    // UNEXPECTED_END_OF_FILE
    case 159:  // TIMEOUT_EXCEEDED
    case 160:  // TOO_SLOW
    case 164:  // READONLY (a replica in read-only mode)
    case 202:  // TOO_MANY_SIMULTANEOUS_QUERIES
    case 203:  // NO_FREE_CONNECTION
    case 209:  // SOCKET_TIMEOUT
    case 210:  // NETWORK_ERROR
    case 241:  // MEMORY_LIMIT_EXCEEDED
    case 242:  // TABLE_IS_READ_ONLY
    case 252:  // TOO_MANY_PARTS
    case 279:  // ALL_CONNECTION_TRIES_FAILED
    case 394:  // QUERY_WAS_CANCELLED
    case 425:  // SYSTEM_ERROR
    case 439:  // CANNOT_SCHEDULE_TASK
    case 999:  // KEEPER_EXCEPTION
      return true;
    default:
      return false;
  }
}

bool IsAuthCode(int code) {
  return code == 192 || code == 193 || code == 194 || code == 195 || code == 516;
}

// "Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., e.what() = ..."
// (older servers) or "Code: 60. DB::Exception: ... (UNKNOWN_TABLE) (version ...)" (newer).
std::optional<int> CodeOf(std::string_view body) {
  const size_t at = body.find("Code: ");
  if (at == std::string_view::npos) return std::nullopt;
  int code = 0;
  const char* begin = body.data() + at + 6;
  const auto [end, ec] = std::from_chars(begin, body.data() + body.size(), code);
  if (ec != std::errc() || end == begin) return std::nullopt;
  return code;
}

std::string Trimmed(std::string_view body) {
  constexpr size_t kMaxShown = 2000;
  std::string text(body.substr(0, kMaxShown));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (body.size() > kMaxShown) text += " ...";
  return text;
}

}  // namespace

Error ClickHouseErrorOf(long http_status, std::string_view body, const ClickHouseConfig& config) {
  const std::optional<int> code = CodeOf(body);
  // The server does not echo passwords, but a message must never carry one.
  const std::string message =
      MaskSecrets(config.Describe() + ": " + Trimmed(body), {config.password});
  if (http_status == 401 || http_status == 403 || (code && IsAuthCode(*code))) {
    return Error(ErrorKind::kNonRetryable, kAuthType,
                 message + " (check the user and password of the --source URL)");
  }
  if (code) {
    return IsTransientCode(*code) ? Error(ErrorKind::kRetryable, kRetryableType, message)
                                  : Error(ErrorKind::kNonRetryable, kQueryType, message);
  }
  if (http_status >= 500 || http_status == 429 || http_status == 408) {
    return Error(
        ErrorKind::kRetryable, kRetryableType,
        fmt::format("{} answered HTTP {}: {}", config.Describe(), http_status, Trimmed(body)));
  }
  return Error(
      ErrorKind::kNonRetryable, kQueryType,
      fmt::format("{} answered HTTP {}: {}", config.Describe(), http_status, Trimmed(body)));
}

std::string NewQueryId() { return "bx-" + RandomHex(); }

// A reader holds up to two streams (the piece it reads and the next one), each a connection for
// as long as it runs, and there are up to 64 workers: connections are never what a stream waits
// for (a prefetched stream waiting while the one before it holds the last connection would wait
// for ever). A server may sort or aggregate for minutes before its first byte: only 10 minutes
// without a byte count as a stalled transfer (a cancelled run does not wait for them).
ClickHouseClient::ClickHouseClient(ClickHouseConfig config)
    : config_(std::move(config)),
      http_(HttpClientOptions{
          .low_speed_bytes = 1, .low_speed_seconds = 600, .max_connections = 256}) {}

HttpRequest ClickHouseClient::Request(const std::string& sql, const std::string& query_id) const {
  HttpRequest request;
  request.method = "POST";
  std::string url = config_.base_url + "/?database=" + config_.database + "&query_id=" + query_id;
  if (config_.compress) url += "&enable_http_compression=1";
  // The export queries sort wide rows: in blocks of 4,096 rows instead of the default 65,536 the
  // server sorts them 2-3 times faster (bench/export-clickhouse). A user's setting wins.
  const bool block_size_given =
      std::any_of(config_.settings.begin(), config_.settings.end(),
                  [](const auto& setting) { return setting.first == "max_block_size"; });
  if (!block_size_given) url += "&max_block_size=4096";
  for (const auto& [name, value] : config_.settings) {
    url += "&" + name + "=";
    for (unsigned char c : value) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        url += static_cast<char>(c);
      } else {
        url += fmt::format("%{:02X}", c);
      }
    }
  }
  request.url = std::move(url);
  request.headers = {{"X-ClickHouse-User", config_.user}, {"Content-Type", "text/plain"}};
  if (!config_.password.empty()) request.headers.emplace_back("X-ClickHouse-Key", config_.password);
  request.accept_compressed = config_.compress;
  return request;
}

HttpResponse ClickHouseClient::Send(HttpRequest& request) {
  HttpResponse response;
  try {
    response = http_.Send(request);
  } catch (const HttpTransportError& e) {
    if (e.failure() == TransportFailure::kCancelled) throw CancelledError();
    const bool retryable = e.failure() == TransportFailure::kConnection;
    throw Error(retryable ? ErrorKind::kRetryable : ErrorKind::kNonRetryable, kRetryableType,
                config_.Describe() + ": " + e.what());
  }
  if (response.status < 200 || response.status >= 300) {
    throw ClickHouseErrorOf(response.status, response.body, config_);
  }
  return response;
}

std::string ClickHouseClient::Execute(const std::string& sql) {
  HttpRequest request = Request(sql, NewQueryId());
  request.body = sql;
  return Send(request).body;
}

std::unique_ptr<ClickHouseStream> ClickHouseClient::Stream(const std::string& sql,
                                                           const std::atomic<bool>* cancel) {
  return std::make_unique<ClickHouseStream>(*this, sql, NewQueryId(), cancel);
}

void ClickHouseClient::Kill(const std::string& query_id) {
  try {
    Execute("KILL QUERY WHERE query_id = '" + query_id + "' SYNC FORMAT Null");
  } catch (const Error& e) {
    spdlog::warn("could not kill ClickHouse query {} (it may run on): {}", query_id, e.Describe());
  }
}

const std::string& ClickHouseClient::Version() {
  std::lock_guard lock(version_mu_);
  if (version_.empty()) {
    std::string version = Execute("SELECT version() FORMAT TabSeparated");
    while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) {
      version.pop_back();
    }
    version_ = std::move(version);
  }
  return version_;
}

ClickHouseStream::ClickHouseStream(ClickHouseClient& client, std::string sql, std::string query_id,
                                   const std::atomic<bool>* cancel)
    : client_(client), query_id_(std::move(query_id)), run_cancel_(cancel) {
  thread_ = std::thread([this, sql = std::move(sql)]() mutable { Run(std::move(sql)); });
}

ClickHouseStream::~ClickHouseStream() {
  bool complete;
  {
    std::lock_guard lock(mu_);
    complete = finished_;
    cancel_ = true;
  }
  changed_.notify_all();
  thread_.join();
  // The server notices a closed connection only when it next writes: kill what still runs.
  if (!complete) client_.Kill(query_id_);
}

void ClickHouseStream::Run(std::string sql) {
  std::exception_ptr error;
  try {
    HttpRequest request = client_.Request(sql, query_id_);
    request.body = sql;
    request.cancel = &cancel_;
    request.on_body = [this](std::string_view data) { return Push(data); };
    client_.Send(request);
  } catch (...) {
    error = std::current_exception();
  }
  std::lock_guard lock(mu_);
  if (!filling_.empty()) chunks_.push_back(std::move(filling_));
  error_ = error;
  finished_ = true;
  changed_.notify_all();
}

bool ClickHouseStream::Push(std::string_view data) {
  filling_.append(data);
  if (filling_.size() < kChunkBytes && !data.empty()) return !cancel_;
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return cancel_ || chunks_.size() < kMaxQueuedChunks; });
  if (cancel_) return false;
  chunks_.push_back(std::move(filling_));
  filling_.clear();
  filling_.reserve(kChunkBytes + (64 << 10));
  changed_.notify_all();
  return true;
}

bool ClickHouseStream::Next(std::string& chunk) {
  if (run_cancel_ && run_cancel_->load()) throw CancelledError();
  std::unique_lock lock(mu_);
  // The server may think for minutes before its first byte: a cancelled run does not wait.
  while (!changed_.wait_for(lock, std::chrono::milliseconds(100),
                            [this] { return !chunks_.empty() || finished_; })) {
    if (run_cancel_ && run_cancel_->load()) throw CancelledError();
  }
  if (!chunks_.empty()) {
    chunk = std::move(chunks_.front());
    chunks_.pop_front();
    changed_.notify_all();
    return true;
  }
  if (error_) std::rethrow_exception(error_);
  drained_ = true;
  return false;
}

}  // namespace bx
