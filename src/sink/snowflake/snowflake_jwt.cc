#include "sink/snowflake/snowflake_jwt.h"

#include <cctype>
#include <chrono>

namespace bx {
namespace {

constexpr int64_t kLifetimeSeconds = 3540;  // under Snowflake's hour
constexpr int64_t kRenewSeconds = 300;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string SnowflakeKeyPairJwt(const SnowflakeConfig& config, const jwt::RsaPrivateKey& key,
                                int64_t now_s) {
  const std::string subject = config.JwtAccount() + "." + Upper(config.user);
  return jwt::SignRs256({{"alg", "RS256"}, {"typ", "JWT"}},
                        {{"iss", subject + "." + key.PublicKeyFingerprint()},
                         {"sub", subject},
                         {"iat", now_s},
                         {"exp", now_s + kLifetimeSeconds}},
                        key);
}

SnowflakeTokens::SnowflakeTokens(const SnowflakeConfig& config)
    : config_(config),
      key_(jwt::RsaPrivateKey::FromPem(config.private_key, config.private_key_passphrase,
                                       "destination.config.private_key")) {}

std::string SnowflakeTokens::Get() {
  std::lock_guard lock(mu_);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (token_.empty() || now + kRenewSeconds >= expires_at_s_) {
    token_ = SnowflakeKeyPairJwt(config_, key_, now);
    expires_at_s_ = now + kLifetimeSeconds;
  }
  return token_;
}

}  // namespace bx
