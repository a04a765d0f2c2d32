#pragma once
// AWS Signature Version 4 for S3 (header-based authentication), as specified in the S3 API
// reference "Authenticating Requests (AWS Signature Version 4)".

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/http_client.h"

namespace bx::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only
};

// Query parameters, not encoded ("uploadId", "a/b+c"); a bare name has an empty value.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// SigV4's UriEncode: every byte except A-Z a-z 0-9 - . _ ~ as %XX (upper-case hex); '/' kept
// when `encode_slash` is false (the path of an object key).
std::string UriEncode(std::string_view text, bool encode_slash);
// name=value pairs, each encoded once, sorted by encoded name then value, joined with '&'.
std::string CanonicalQueryString(const QueryParams& query);
// "20130524T000000Z".
std::string AmzDate(std::time_t when);
// The SHA-256 of an empty payload.
inline constexpr char kEmptyPayloadSha256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

class SigV4Signer {
 public:
  SigV4Signer(Credentials credentials, std::string region, std::string service = "s3");

  // Adds x-amz-date, x-amz-content-sha256 (`payload_hash`), x-amz-security-token (with
  // temporary credentials) and Authorization to `headers`; every header in `headers` (which
  // must hold Host) is signed. `canonical_uri` is the path exactly as sent, already encoded.
  void Sign(std::string_view method, std::string_view canonical_uri, const QueryParams& query,
            std::string_view payload_hash, std::string_view amz_date, HttpHeaders& headers) const;

  // The steps, exposed for the tests.
  static std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                                      const QueryParams& query, const HttpHeaders& headers,
                                      std::string_view payload_hash, std::string* signed_headers);
  std::string StringToSign(std::string_view amz_date, std::string_view canonical_request) const;
  std::string Signature(std::string_view amz_date, std::string_view string_to_sign) const;

  const std::string& access_key_id() const { return credentials_.access_key_id; }

 private:
  Credentials credentials_;
  std::string region_;
  std::string service_;
};

}  // namespace bx::s3
