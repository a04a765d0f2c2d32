#include "sink/jwt/rs256_jwt.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <array>
#include <string>

#include "base/error.h"

namespace bx::jwt {
namespace {

std::string Base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Why OpenSSL refused, without the data it refused: its messages name a reason ("bad
// decrypt", "no start line"), never key bytes.
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "not a PEM key";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "not a PEM key";
}

std::string UnescapeNewlines(std::string_view pem) {
  std::string out;
  out.reserve(pem.size());
  for (size_t i = 0; i < pem.size(); ++i) {
    if (pem[i] == '\\' && i + 1 < pem.size() && pem[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += pem[i];
    }
  }
  return out;
}

}  // namespace

RsaPrivateKey RsaPrivateKey::FromPem(std::string_view pem_text, const std::string& passphrase,
                                     const std::string& field) {
  const std::string pem = UnescapeNewlines(pem_text);
  if (pem.find("-----BEGIN") == std::string::npos) {
    throw InvalidArgument(field, "is not a PEM private key (no '-----BEGIN ...' line)");
  }
  if (pem.find("ENCRYPTED") != std::string::npos && passphrase.empty()) {
    throw InvalidArgument(field, "is an encrypted private key and no passphrase is set");
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  ERR_clear_error();
  // A non-empty passphrase is handed to OpenSSL as the callback's user data ("u").
  EVP_PKEY* key = PEM_read_bio_PrivateKey(
      bio.get(), nullptr, nullptr,
      passphrase.empty() ? const_cast<char*>("") : const_cast<char*>(passphrase.c_str()));
  if (key == nullptr) {
    throw InvalidArgument(field, "could not be read as a PEM private key: " + OpenSslReason() +
                                     (passphrase.empty() ? "" : " (is the passphrase right?)"));
  }
  std::shared_ptr<EVP_PKEY> owned(key, &EVP_PKEY_free);
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    throw InvalidArgument(field, "is not an RSA key (RS256 needs one)");
  }
  if (EVP_PKEY_get_bits(key) < 2048) {
    throw InvalidArgument(field, "is an RSA key shorter than 2048 bits");
  }
  return RsaPrivateKey(std::move(owned));
}

std::string RsaPrivateKey::Sign(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    throw Error(ErrorKind::kInternal, "SigningFailed", "RS256 signing failed: " + OpenSslReason());
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw Error(ErrorKind::kInternal, "SigningFailed", "RS256 signing failed: " + OpenSslReason());
  }
  signature.resize(size);
  return signature;
}

std::string RsaPrivateKey::PublicKeyFingerprint() const {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key_.get(), &der);
  if (size <= 0) {
    throw Error(ErrorKind::kInternal, "SigningFailed", "could not encode the public key");
  }
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(der, static_cast<size_t>(size), digest.data());
  OPENSSL_free(der);
  return "SHA256:" + Base64(digest.data(), digest.size());
}

std::string RsaPrivateKey::PublicKeyPem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    throw Error(ErrorKind::kInternal, "SigningFailed", "could not write the public key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string Base64Url(std::string_view bytes) {
  std::string out = Base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string SignRs256(const nlohmann::json& header, const nlohmann::json& claims,
                      const RsaPrivateKey& key) {
  const std::string signing_input = Base64Url(header.dump()) + "." + Base64Url(claims.dump());
  return signing_input + "." + Base64Url(key.Sign(signing_input));
}

}  // namespace bx::jwt
