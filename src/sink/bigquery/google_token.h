#pragma once
// OAuth 2.0 access tokens for a Google service account (RFC 7523's JWT bearer grant, as
// https://developers.google.com/identity/protocols/oauth2/service-account describes it): an
// RS256 JWT signed with the account's key, exchanged at its token_uri for a token that lasts
// an hour. Tokens are cached until a minute before they expire; a 401 from the API drops the
// one it was given (Invalidate) so the next Get fetches a new one.

#include <cstdint>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "io/http_client.h"
#include "sink/bigquery/bigquery_config.h"
#include "sink/jwt/rs256_jwt.h"

namespace bx {

inline constexpr char kBigQueryScope[] = "https://www.googleapis.com/auth/bigquery";

// The grant's assertion for `now_s` (seconds since the epoch): header {alg, kid, typ} and
// claims {iss, scope, aud, iat, exp = iat + 3600}.
std::string GoogleServiceAccountAssertion(const BigQueryConfig& config,
                                          const jwt::RsaPrivateKey& key, int64_t now_s);

class GoogleTokenSource {
 public:
  // `http` must outlive this.
  GoogleTokenSource(const BigQueryConfig& config, HttpClient& http);

  // A token valid for at least another minute. Throws bx::Error: BigQueryAuthFailed (not
  // retryable) when the token endpoint refuses the account (invalid_grant, invalid_client,
  // unauthorized_client), BigQueryUnavailable (retryable) for transport trouble, 429 and 5xx.
  std::string Get(const std::atomic<bool>* cancel = nullptr);
  // Forgets `token` if it is the cached one (the API said 401 to it).
  void Invalidate(const std::string& token);

 private:
  BigQueryConfig config_;
  jwt::RsaPrivateKey key_;
  HttpClient& http_;
  std::mutex mu_;
  std::string token_;
  int64_t expires_at_s_ = 0;
};

}  // namespace bx
