#include "sink/bigquery/google_token.h"

#include <fmt/format.h>

#include <chrono>

#include "base/error.h"

namespace bx {
namespace {

constexpr int64_t kAssertionSeconds = 3600;  // Google's maximum
constexpr int64_t kRefreshMarginSeconds = 60;
constexpr size_t kMaxShownBody = 300;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error Unavailable(const std::string& message) {
  return Error(ErrorKind::kRetryable, "BigQueryUnavailable", message);
}

// The endpoint's own words: {"error": "invalid_grant", "error_description": "..."}.
std::string Explain(const HttpResponse& response) {
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    return body["error"].value("message", response.body.substr(0, kMaxShownBody));
  }
  if (body.is_object() && body.contains("error")) {
    std::string out = body["error"].is_string() ? body["error"].get<std::string>() : "error";
    if (body.contains("error_description") && body["error_description"].is_string()) {
      out += ": " + body["error_description"].get<std::string>();
    }
    return out;
  }
  return response.body.substr(0, kMaxShownBody);
}

}  // namespace

std::string GoogleServiceAccountAssertion(const BigQueryConfig& config,
                                          const jwt::RsaPrivateKey& key, int64_t now_s) {
  const nlohmann::json header = {{"alg", "RS256"}, {"kid", config.private_key_id}, {"typ", "JWT"}};
  const nlohmann::json claims = {{"iss", config.client_email},
                                 {"scope", kBigQueryScope},
                                 {"aud", config.token_uri},
                                 {"iat", now_s},
                                 {"exp", now_s + kAssertionSeconds}};
  return jwt::SignRs256(header, claims, key);
}

GoogleTokenSource::GoogleTokenSource(const BigQueryConfig& config, HttpClient& http)
    : config_(config),
      key_(jwt::RsaPrivateKey::FromPem(config.private_key, "", "destination.config.private_key")),
      http_(http) {}

std::string GoogleTokenSource::Get(const std::atomic<bool>* cancel) {
  std::lock_guard lock(mu_);
  const int64_t now = NowSeconds();
  if (!token_.empty() && now + kRefreshMarginSeconds < expires_at_s_) return token_;

  const std::string body =
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" +
      GoogleServiceAccountAssertion(config_, key_, now);
  HttpRequest request;
  request.method = "POST";
  request.url = config_.token_uri;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = body;
  request.cancel = cancel;
  HttpResponse response;
  try {
    response = http_.Send(request);
  } catch (const HttpTransportError& e) {
    if (e.failure() == TransportFailure::kCancelled) throw CancelledError();
    throw Unavailable(fmt::format("no access token from {}: {}", config_.token_uri, e.what()));
  }
  if (response.status == 429 || response.status >= 500) {
    throw Unavailable(fmt::format("the token endpoint {} answered {}: {}", config_.token_uri,
                                  response.status, Explain(response)));
  }
  if (response.status != 200) {
    throw Error(ErrorKind::kNonRetryable, "BigQueryAuthFailed",
                fmt::format("the token endpoint {} refused the service account {} (key {}): "
                            "{} ({}); check private_key, private_key_id and client_email",
                            config_.token_uri, config_.client_email, config_.private_key_id,
                            Explain(response), response.status));
  }
  const nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_object() || !json.contains("access_token") || !json["access_token"].is_string() ||
      json["access_token"].get<std::string>().empty()) {
    throw Unavailable(
        fmt::format("the token endpoint {} answered without an access_token", config_.token_uri));
  }
  token_ = json["access_token"].get<std::string>();
  int64_t lifetime = kAssertionSeconds;
  if (json.contains("expires_in") && json["expires_in"].is_number_integer()) {
    lifetime = json["expires_in"].get<int64_t>();
  }
  expires_at_s_ = now + lifetime;
  return token_;
}

void GoogleTokenSource::Invalidate(const std::string& token) {
  std::lock_guard lock(mu_);
  if (token == token_) token_.clear();
}

}  // namespace bx
