#include "sink/snowflake/snowflake_api.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "base/log.h"
#include "base/strings.h"
#include "sink/s3/crypto.h"

namespace bx {
namespace {

constexpr size_t kMaxShownMessage = 1000;

bool IsTransientStatus(long status) { return status == 408 || status == 429 || status >= 500; }

}  // namespace

std::string SnowflakeRequestId(const std::string& seed) {
  s3::Sha256Digest d = s3::Sha256("batch-export request " + seed);
  d[6] = static_cast<uint8_t>((d[6] & 0x0f) | 0x40);  // version 4 (random-looking)
  d[8] = static_cast<uint8_t>((d[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = s3::Hex(d.data(), 16);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

Error SnowflakeResponseError(long status, std::string_view body, const std::string& what) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  std::string code, message;
  if (json.is_object()) {
    if (json.contains("code") && json["code"].is_string()) code = json["code"];
    if (json.contains("message") && json["message"].is_string()) message = json["message"];
  }
  if (message.empty()) message = body.empty() ? "no message" : std::string(body);
  message = PrintableText(message, kMaxShownMessage);
  const std::string detail =
      code.empty() ? fmt::format("HTTP {}", status) : fmt::format("code {}, HTTP {}", code, status);
  std::string type = "SnowflakeError";
  ErrorKind kind = ErrorKind::kNonRetryable;
  if (IsTransientStatus(status)) {
    type = "SnowflakeUnavailable";
    kind = ErrorKind::kRetryable;
  } else if (status == 401) {
    type = "SnowflakeAuthFailed";
  } else if (status == 403) {
    type = "SnowflakeAccessDenied";
  } else if (status == 422) {
    type = "SnowflakeSqlError";
  }
  return Error(kind, type, fmt::format("{}: {} ({})", what, message, detail));
}

SnowflakeApi::SnowflakeApi(const SnowflakeConfig& config, RequestRetryPolicy retry)
    : config_(config),
      retry_(retry),
      http_(std::make_unique<HttpClient>(HttpClientOptions{.max_connections = 4})),
      tokens_(config_) {}

void SnowflakeApi::ThrowIfCancelled() const {
  if (cancel_ && cancel_->load(std::memory_order_relaxed)) throw CancelledError();
}

HttpResponse SnowflakeApi::Send(const std::string& method, const std::string& url,
                                std::string_view body, const std::string& what) {
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.headers = {{"Authorization", "Bearer " + tokens_.Get()},
                     {"X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT"},
                     {"Accept", "application/json"},
                     {"User-Agent", "batch-export/" BX_VERSION}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = body;
  request.cancel = cancel_;
  try {
    return http_->Send(request);
  } catch (const HttpTransportError& e) {
    if (e.failure() == TransportFailure::kCancelled) throw CancelledError();
    throw Error(
        e.failure() == TransportFailure::kBadUrl ? ErrorKind::kNonRetryable : ErrorKind::kRetryable,
        "SnowflakeUnavailable", fmt::format("{}: {}", what, e.what()));
  }
}

nlohmann::json SnowflakeApi::Execute(const std::string& request_id,
                                     const std::vector<std::string>& statements,
                                     const std::string& what) {
  nlohmann::json body = {{"statement", Join(statements, ";\n")},
                         {"timeout", 0},
                         {"database", config_.database},
                         {"schema", config_.schema},
                         {"warehouse", config_.warehouse}};
  if (!config_.role.empty()) body["role"] = config_.role;
  if (statements.size() > 1) {
    body["parameters"] = {{"MULTI_STATEMENT_COUNT", std::to_string(statements.size())}};
  }
  const std::string text = body.dump();
  // retry=true on every submission, the first too: Snowflake then answers a request id it has
  // seen with that request's outcome instead of running the statements again (and runs an
  // unknown one). A resubmission may come from us (an answer lost) or from libcurl itself,
  // which resends a request whose reused connection died before any answer.
  const std::string submit = config_.api_base_url + "/api/v2/statements?requestId=" + request_id +
                             "&async=true&retry=true";
  HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    ThrowIfCancelled();
    std::optional<Error> failure;
    try {
      response = Send("POST", submit, text, what);
      if (!IsTransientStatus(response.status)) break;
      failure = SnowflakeResponseError(response.status, response.body, what);
    } catch (const Error& e) {
      if (!e.retryable()) throw;
      failure = e;
    }
    if (attempt >= retry_.max_attempts) {
      throw Error(failure->kind(), failure->type(),
                  fmt::format("{} (gave up after {} attempts)", failure->message(), attempt));
    }
    spdlog::debug("Snowflake {}: attempt {} failed ({}), retrying", what, attempt,
                  failure->Describe());
    SleepBeforeRetry(retry_, attempt, cancel_);
  }

  // 202 until done: the status URL by statement handle.
  auto delay = std::chrono::milliseconds(50);
  for (int polls = 0; response.status == 202; ++polls) {
    const nlohmann::json status = nlohmann::json::parse(response.body, nullptr, false);
    if (!status.is_object() || !status.contains("statementHandle") ||
        !status["statementHandle"].is_string()) {
      throw Error(ErrorKind::kRetryable, "SnowflakeUnavailable",
                  what + ": an answer 202 without a statementHandle");
    }
    const std::string handle = status["statementHandle"];
    const auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
      ThrowIfCancelled();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    delay = std::min(delay * 2, std::chrono::milliseconds(2000));
    for (int attempt = 1;; ++attempt) {
      try {
        response = Send("GET", config_.api_base_url + "/api/v2/statements/" + handle, {}, what);
        if (!IsTransientStatus(response.status) || response.status == 408) break;
      } catch (const Error& e) {
        if (!e.retryable() || attempt >= retry_.max_attempts) throw;
      }
      if (attempt >= retry_.max_attempts) break;
      SleepBeforeRetry(retry_, attempt, cancel_);
    }
  }
  if (response.status != 200) throw SnowflakeResponseError(response.status, response.body, what);
  nlohmann::json result = nlohmann::json::parse(response.body, nullptr, false);
  if (!result.is_object()) {
    // A proxy's page or a cut body: the outcome is unknown, so the run tries again.
    throw Error(ErrorKind::kRetryable, "SnowflakeUnavailable",
                fmt::format("{}: an answer 200 that is no JSON object: {}", what,
                            PrintableText(response.body, 200)));
  }
  return result;
}

}  // namespace bx
