#pragma once
// The S3 REST operations the destination needs, signed with our SigV4 signer and retried with
// capped exponential backoff and jitter when the failure is transient. Thread-safe.

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/http_client.h"
#include "sink/request_retry.h"
#include "sink/s3/crypto.h"
#include "sink/s3/s3_errors.h"
#include "sink/s3/sigv4.h"

namespace bx::s3 {

struct S3ClientOptions {
  std::string endpoint_url;  // "https://s3.us-east-1.amazonaws.com", "http://127.0.0.1:17480"
  std::string region = "us-east-1";
  std::string bucket;
  bool virtual_host = false;  // bucket.host/key instead of host/bucket/key
  Credentials credentials;
  RequestRetryPolicy retry;
  HttpClientOptions http;
};

struct S3Request {
  std::string operation;  // "PutObject": for messages
  std::string method;
  std::string key;  // empty for bucket operations
  QueryParams query;
  HttpHeaders headers;  // extra headers, signed
  std::string_view body;
  // Whether S3Client::set_cancel's flag stops it. Cleanup (aborting a multipart upload) is not
  // cancellable: a cancelled run must still leave nothing behind.
  bool cancellable = true;
};

struct ObjectPart {
  int number = 0;
  std::string etag;  // as returned, with quotes
};

struct ListPage {
  std::vector<std::string> keys;
  std::optional<std::string> next_token;
};

struct MultipartUploadInfo {
  std::string key;
  std::string upload_id;
};

class S3Client {
 public:
  // Throws InvalidS3EndpointError for an endpoint_url that is not an http(s) URL.
  explicit S3Client(S3ClientOptions options);

  // Signs, sends and retries; returns a 2xx response or throws a classified bx::Error.
  HttpResponse Call(const S3Request& request);

  // Once `*cancel` is true, cancellable calls stop (mid-transfer or between retries) with
  // CancelledError(). Set before the client is used from other threads.
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

  void PutObject(const std::string& key, std::string_view body, const HttpHeaders& headers = {});
  std::string CreateMultipartUpload(const std::string& key, const HttpHeaders& headers = {});
  // Returns the part's ETag. `body_md5` is Md5(body), which the caller also needs for the
  // multipart ETag: hashing a part once saves a pass over it.
  std::string UploadPart(const std::string& key, const std::string& upload_id, int part_number,
                         std::string_view body, const Md5Digest& body_md5);
  void CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                               const std::vector<ObjectPart>& parts,
                               const std::string& expected_etag);
  void AbortMultipartUpload(const std::string& key, const std::string& upload_id);
  ListPage ListObjects(const std::string& prefix, const std::optional<std::string>& token,
                       int max_keys = 1000);
  std::vector<std::string> ListAllKeys(const std::string& prefix);
  void DeleteObject(const std::string& key);
  // Up to 1000 keys per request; throws if any key could not be deleted.
  void DeleteObjects(const std::vector<std::string>& keys);
  HttpResponse HeadObject(const std::string& key);
  std::string GetObject(const std::string& key);
  std::vector<MultipartUploadInfo> ListMultipartUploads(const std::string& prefix);
  void CreateBucket();

  const std::string& bucket() const { return options_.bucket; }
  const std::string& endpoint() const { return origin_; }

 private:
  struct Target {
    std::string url;
    std::string host;
    std::string canonical_uri;
  };
  Target TargetFor(const std::string& key, const QueryParams& query) const;
  RequestContext ContextFor(const S3Request& request) const;

  S3ClientOptions options_;
  SigV4Signer signer_;
  HttpClient http_;
  std::string scheme_;
  std::string host_;       // host[:port] of the endpoint
  std::string base_path_;  // path of endpoint_url without the trailing '/'
  std::string origin_;     // scheme://host[:port]
  const std::atomic<bool>* cancel_ = nullptr;
};

// Splits "http(s)://host[:port][/path]"; nullopt when it is not such a URL.
struct ParsedEndpoint {
  std::string scheme, host, path;
};
std::optional<ParsedEndpoint> ParseEndpointUrl(std::string_view url);

// The ETag S3 gives a completed multipart upload: hex MD5 of the parts' binary MD5s, "-N".
std::string MultipartEtag(const std::vector<std::string>& part_md5_hex);

}  // namespace bx::s3
