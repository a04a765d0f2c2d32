#include "state/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <vector>

#include "base/error.h"
#include "base/private_files.h"
#include "core/secret_fields.h"

namespace bx {
namespace {

constexpr std::string_view kPrefix = "enc:v1:";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

Error KeyError(const std::string& message) {
  return Error(ErrorKind::kInternal, "SecretKeyError", message);
}

std::string Base64Encode(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(len);
  return out;
}

std::optional<std::vector<unsigned char>> Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(3 * text.size() / 4);
  const int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
  if (len < 0) return std::nullopt;
  size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(len - padding);
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

}  // namespace

SecretBox::Key SecretBox::ParseKey(std::string_view text) {
  Key key;
  if (text.size() == 64) {
    bool ok = true;
    for (size_t i = 0; i < 32 && ok; ++i) {
      const int hi = HexDigit(text[2 * i]), lo = HexDigit(text[2 * i + 1]);
      ok = hi >= 0 && lo >= 0;
      key[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    if (ok) return key;
  }
  auto bytes = Base64Decode(text);
  if (!bytes || bytes->size() != key.size()) {
    throw KeyError("the secret key must be 32 bytes, as 64 hex digits or base64");
  }
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

namespace {

// The key in `path`, which only its owner may read; `name` is how errors call the file.
SecretBox::Key ReadKeyFile(const std::filesystem::path& path, const std::string& name) {
  if (ReadableByOthers(path)) {
    throw KeyError(name +
                   " is readable by others: chmod 600 it (anyone who reads it can decrypt the "
                   "secrets in the state)");
  }
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  try {
    return SecretBox::ParseKey(Trim(text));
  } catch (const Error& e) {
    throw KeyError(name + ": " + e.message());
  }
}

}  // namespace

SecretBox SecretBox::FromEnvironmentOrFile(const std::filesystem::path& data_dir,
                                           const std::filesystem::path& key_file) {
  if (!key_file.empty()) {
    if (!std::filesystem::exists(key_file)) {
      throw KeyError("--secret-key-file: " + key_file.string() + " does not exist");
    }
    return SecretBox(ReadKeyFile(key_file, "--secret-key-file: " + key_file.string()));
  }
  if (const char* env = std::getenv("BATCH_EXPORT_SECRET_KEY"); env && *env) {
    try {
      return SecretBox(ParseKey(Trim(env)));
    } catch (const Error& e) {
      throw KeyError("BATCH_EXPORT_SECRET_KEY: " + e.message());
    }
  }
  const std::filesystem::path path = data_dir / "secret.key";
  if (std::filesystem::exists(path)) return SecretBox(ReadKeyFile(path, path.string()));
  if (data_dir.empty()) {
    throw KeyError("no secret key: set BATCH_EXPORT_SECRET_KEY or --secret-key-file");
  }
  Key key;
  if (RAND_bytes(key.data(), key.size()) != 1) throw KeyError("no random bytes for a key");
  const std::string text = Base64Encode(key.data(), key.size()) + "\n";
  const std::filesystem::path tmp = data_dir / "secret.key.tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw KeyError("cannot create " + tmp.string());
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  // link() fails when another process created the key first: then everyone uses that one.
  if (!written || (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST)) {
    ::unlink(tmp.c_str());
    throw KeyError("cannot write " + path.string());
  }
  ::unlink(tmp.c_str());
  return FromEnvironmentOrFile(data_dir);
}

bool SecretBox::IsSealed(std::string_view value) { return value.starts_with(kPrefix); }

std::string SecretBox::KeyCheck() const {
  static constexpr std::string_view kLabel = "batch-export secret key check v1";
  unsigned char mac[32];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
            reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(), mac, &length)) {
    throw KeyError("OpenSSL HMAC failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 0xF];
  }
  return hex;
}

void SecretBox::VerifyKeyCheck(const std::string& stored) const {
  if (stored == KeyCheck()) return;
  throw KeyError(
      "this node's secret key is not the key the state's secrets were sealed with: every node "
      "sharing a state needs the same key (BATCH_EXPORT_SECRET_KEY or --secret-key-file); this "
      "node refuses to start rather than fail every run it takes");
}

std::string SecretBox::Encrypt(std::string_view plaintext) const {
  std::vector<unsigned char> out(kNonceBytes + plaintext.size() + kTagBytes);
  if (RAND_bytes(out.data(), kNonceBytes) != 1) throw KeyError("no random bytes for a nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0, total = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1) {
    throw KeyError("encryption failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out.data() + kNonceBytes + total + len) != 1) {
    throw KeyError("encryption failed");
  }
  return std::string(kPrefix) + Base64Encode(out.data(), out.size());
}

std::string SecretBox::Decrypt(std::string_view sealed) const {
  if (!IsSealed(sealed)) throw KeyError("not an encrypted value");
  auto bytes = Base64Decode(sealed.substr(kPrefix.size()));
  if (!bytes || bytes->size() < kNonceBytes + kTagBytes) throw KeyError("corrupt encrypted value");
  const size_t n = bytes->size() - kNonceBytes - kTagBytes;
  std::string plain(n, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  unsigned char* tag = bytes->data() + kNonceBytes + n;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), bytes->data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        bytes->data() + kNonceBytes, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) !=
          1) {
    throw KeyError(
        "a secret does not decrypt with this key (was BATCH_EXPORT_SECRET_KEY "
        "or the key file changed?)");
  }
  return plain;
}

nlohmann::json SecretBox::SealSecrets(const nlohmann::json& config) const {
  nlohmann::json copy = config;
  ForEachSecret(copy, [this](nlohmann::json& v) {
    if (v.is_null()) return;
    v = Encrypt(v.dump());
  });
  return copy;
}

nlohmann::json SecretBox::OpenSecrets(const nlohmann::json& config) const {
  nlohmann::json copy = config;
  ForEachSecret(copy, [this](nlohmann::json& v) {
    if (v.is_string() && IsSealed(v.get<std::string>())) {
      v = nlohmann::json::parse(Decrypt(v.get<std::string>()));
    }
  });
  return copy;
}

}  // namespace bx
