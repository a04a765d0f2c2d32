#pragma once
// Key-pair authentication for Snowflake's SQL API
// (https://docs.snowflake.com/en/developer-guide/sql-api/authenticating): an RS256 JWT with
//   iss = "<ACCOUNT>.<USER>.SHA256:<base64 SHA-256 of the public key's DER>", sub =
//   "<ACCOUNT>.<USER>" (upper case, the account without a locator's region), iat, exp <= 1 h,
// sent as "Authorization: Bearer <jwt>" with "X-Snowflake-Authorization-Token-Type:
// KEYPAIR_JWT". Tokens are made again when less than 5 minutes of theirs are left.

#include <cstdint>
#include <mutex>
#include <string>

#include "sink/jwt/rs256_jwt.h"
#include "sink/snowflake/snowflake_config.h"

namespace bx {

std::string SnowflakeKeyPairJwt(const SnowflakeConfig& config, const jwt::RsaPrivateKey& key,
                                int64_t now_s);

class SnowflakeTokens {
 public:
  explicit SnowflakeTokens(const SnowflakeConfig& config);
  std::string Get();

 private:
  SnowflakeConfig config_;
  jwt::RsaPrivateKey key_;
  std::mutex mu_;
  std::string token_;
  int64_t expires_at_s_ = 0;
};

}  // namespace bx
