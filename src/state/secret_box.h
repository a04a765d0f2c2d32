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

  // The key from `key_file` when given; else BATCH_EXPORT_SECRET_KEY; else <data_dir>/secret.key,
  // generated when missing (not when `data_dir` is empty). Throws bx::Error (type
  // "SecretKeyError") when the key is malformed, readable by others, or cannot be read or made.
  static SecretBox FromEnvironmentOrFile(const std::filesystem::path& data_dir,
                                         const std::filesystem::path& key_file = {});
  // Accepts 64 hex digits or base64 of 32 bytes.
  static Key ParseKey(std::string_view text);

  std::string Encrypt(std::string_view plaintext) const;
  // Throws bx::Error (type "SecretKeyError") when the value was not encrypted with this key.
  std::string Decrypt(std::string_view sealed) const;
  static bool IsSealed(std::string_view value);
  // A value that tells keys apart without revealing them (HMAC-SHA256 of a fixed label, hex).
  // A state store keeps the first node's and refuses a node whose key differs.
  std::string KeyCheck() const;
  // Compares `stored` (the state's check value) with this key's; throws SecretKeyError saying
  // what to do when they differ.
  void VerifyKeyCheck(const std::string& stored) const;

  // Seals / opens every secret field of an export config (see core/secret_fields.h). Values
  // are JSON-serialized before sealing, so non-string secrets round-trip too.
  nlohmann::json SealSecrets(const nlohmann::json& config) const;
  nlohmann::json OpenSecrets(const nlohmann::json& config) const;

 private:
  Key key_;
};

}  // namespace bx
