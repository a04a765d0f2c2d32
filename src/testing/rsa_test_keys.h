#pragma once
// Fresh RSA keys (PKCS#8 PEM) for the tests of the destinations that sign JWTs.

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

namespace bx::testing {

inline std::string NewRsaKeyPem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace bx::testing
