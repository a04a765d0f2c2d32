#pragma once
// RS256 JSON Web Tokens (RFC 7519 in the compact form of RFC 7515) signed with an RSA private
// key: what Google's service-account OAuth flow (BigQuery) and Snowflake's key-pair
// authentication take.
//
//   RsaPrivateKey key = RsaPrivateKey::FromPem(pem, "", "destination.config.private_key");
//   std::string token = SignRs256({{"alg", "RS256"}, {"typ", "JWT"}}, claims, key);

#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>
#include <nlohmann/json.hpp>

namespace bx::jwt {

class RsaPrivateKey {
 public:
  // PEM: PKCS#8 ("PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" with `passphrase`) or PKCS#1 ("RSA
  // PRIVATE KEY"); `\n` written as the two characters backslash-n (a key pasted from a JSON
  // string) is taken too. Throws InvalidArgument naming `field`, never quoting the key.
  static RsaPrivateKey FromPem(std::string_view pem, const std::string& passphrase,
                               const std::string& field);

  // RSASSA-PKCS1-v1_5 with SHA-256 over `data`.
  std::string Sign(std::string_view data) const;
  // "SHA256:" + base64 of the SHA-256 of the public key's DER SubjectPublicKeyInfo: Snowflake's
  // RSA_PUBLIC_KEY_FP.
  std::string PublicKeyFingerprint() const;
  // The public half as a PEM SubjectPublicKeyInfo ("PUBLIC KEY").
  std::string PublicKeyPem() const;

 private:
  explicit RsaPrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// base64url without padding (RFC 7515 section 2).
std::string Base64Url(std::string_view bytes);

// "<base64url(header)>.<base64url(claims)>.<base64url(signature)>"; header and claims are
// serialized compactly, in the key order nlohmann::json keeps (sorted).
std::string SignRs256(const nlohmann::json& header, const nlohmann::json& claims,
                      const RsaPrivateKey& key);

}  // namespace bx::jwt
