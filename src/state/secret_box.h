#pragma once
// Encrypts secret config values at rest with AES-256-GCM (OpenSSL EVP). An encrypted value is
// the string "enc:v1:" + base64(12-byte nonce | ciphertext | 16-byte tag), so a store can keep
// configs as JSON and any state store implementation reads what another wrote.
//
// The key: env BATCH_EXPORT_SECRET_KEY (32 bytes as base64 or hex), else the file
// <data_dir>/secret.key, generated (mode 0600) on first use.

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bx {

class SecretBox {
 public:
  using Key = std::array<unsigned char, 32>;
  explicit SecretBox(const Key& key) : key_(key) {}

  // Throws bx::Error (type "SecretKeyError") when the variable is malformed or the file
  // cannot be read or created.
  static SecretBox FromEnvironmentOrFile(const std::filesystem::path& data_dir);
  // Accepts 64 hex digits or base64 of 32 bytes.
  static Key ParseKey(std::string_view text);

  std::string Encrypt(std::string_view plaintext) const;
  // Throws bx::Error (type "SecretKeyError") when the value was not encrypted with this key.
  std::string Decrypt(std::string_view sealed) const;
  static bool IsSealed(std::string_view value);

  // Seals / opens every secret field of an export config (see core/secret_fields.h). Values
  // are JSON-serialized before sealing, so non-string secrets round-trip too.
  nlohmann::json SealSecrets(const nlohmann::json& config) const;
  nlohmann::json OpenSecrets(const nlohmann::json& config) const;

 private:
  Key key_;
};

}  // namespace bx
