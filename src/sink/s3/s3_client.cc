#include "sink/s3/s3_client.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "base/log.h"
#include "sink/s3/crypto.h"
#include "sink/s3/xml.h"

namespace bx::s3 {
namespace {

bool IsSuccess(const S3Request& request, const HttpResponse& response) {
  if (response.status < 200 || response.status >= 300) return false;
  // CompleteMultipartUpload may fail after its 200 header was sent: the body is an <Error>.
  if (request.operation == "CompleteMultipartUpload") {
    return response.body.find("<Error>") == std::string::npos;
  }
  return true;
}

std::string Unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

std::optional<ParsedEndpoint> ParseEndpointUrl(std::string_view url) {
  ParsedEndpoint out;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  out.scheme = std::string(url.substr(0, scheme_end));
  std::transform(out.scheme.begin(), out.scheme.end(), out.scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  const std::string_view rest = url.substr(scheme_end + 3);
  const size_t path_start = rest.find('/');
  out.host = std::string(rest.substr(0, path_start));
  if (path_start != std::string_view::npos) out.path = std::string(rest.substr(path_start));
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  if (out.host.empty() || out.host.front() == ':' || out.host.back() == ':') return std::nullopt;
  for (unsigned char c : out.host) {
    // No user info (it would carry credentials), no query or fragment, nothing unprintable.
    if (c <= ' ' || c >= 0x7f || c == '@' || c == '?' || c == '#' || c == '\\') return std::nullopt;
  }
  for (unsigned char c : out.path) {
    if (c <= ' ' || c >= 0x7f || c == '?' || c == '#') return std::nullopt;
  }
  return out;
}

std::string MultipartEtag(const std::vector<std::string>& part_md5_hex) {
  std::string binary;
  for (const std::string& hex : part_md5_hex) {
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      binary += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
  }
  return Hex(Md5(binary)) + "-" + std::to_string(part_md5_hex.size());
}

S3Client::S3Client(S3ClientOptions options)
    : options_(std::move(options)),
      signer_(options_.credentials, options_.region),
      http_(options_.http) {
  const auto parsed = ParseEndpointUrl(options_.endpoint_url);
  if (!parsed) {
    throw Error(ErrorKind::kNonRetryable, "InvalidS3EndpointError",
                "endpoint_url '" + options_.endpoint_url +
                    "' is not an http:// or https:// URL: check endpoint_url");
  }
  scheme_ = parsed->scheme;
  host_ = parsed->host;
  base_path_ = parsed->path;
  origin_ = scheme_ + "://" + host_ + base_path_;
}

S3Client::Target S3Client::TargetFor(const std::string& key, const QueryParams& query) const {
  Target t;
  // Each key segment is encoded exactly once, '/' kept: the canonical URI is the path as sent.
  const std::string encoded_key = UriEncode(key, false);
  if (options_.virtual_host) {
    t.host = options_.bucket + "." + host_;
    t.canonical_uri = base_path_ + "/" + encoded_key;
  } else {
    t.host = host_;
    t.canonical_uri = base_path_ + "/" + UriEncode(options_.bucket, true);
    if (!key.empty()) t.canonical_uri += "/" + encoded_key;
  }
  t.url = scheme_ + "://" + t.host + t.canonical_uri;
  if (!query.empty()) t.url += "?" + CanonicalQueryString(query);
  return t;
}

RequestContext S3Client::ContextFor(const S3Request& request) const {
  return RequestContext{request.operation, options_.bucket, request.key, origin_};
}

HttpResponse S3Client::Call(const S3Request& request) {
  const Target target = TargetFor(request.key, request.query);
  const RequestContext context = ContextFor(request);
  const std::string payload_hash = Sha256Hex(request.body);
  const std::atomic<bool>* cancel = request.cancellable ? cancel_ : nullptr;
  auto cancelled = [cancel] { return cancel != nullptr && cancel->load(); };
  for (int attempt = 1;; ++attempt) {
    if (cancelled()) throw CancelledError();
    HttpRequest http;
    http.cancel = cancel;
    http.method = request.method;
    http.url = target.url;
    http.body = request.body;
    http.headers = request.headers;
    http.headers.emplace_back("Host", target.host);
    signer_.Sign(request.method, target.canonical_uri, request.query, payload_hash,
                 AmzDate(std::time(nullptr)), http.headers);
    std::optional<Error> failure;
    try {
      HttpResponse response = http_.Send(http);
      if (IsSuccess(request, response)) return response;
      failure = S3ResponseError(response.status, response.body, context);
    } catch (const HttpTransportError& e) {
      if (e.failure() == TransportFailure::kCancelled) throw CancelledError();
      // Only a URL curl cannot use is the config's fault. A name that does not resolve, a refused
      // connection or a failed TLS handshake may be a DNS or network outage: retried.
      if (e.failure() == TransportFailure::kBadUrl) throw InvalidEndpoint(context, e.what());
      failure = Error(ErrorKind::kRetryable, "ConnectionError",
                      std::string(e.what()) + " (" + request.operation + ")");
    }
    if (!failure->retryable() || attempt >= options_.retry.max_attempts) {
      if (failure->retryable()) {
        throw Error(failure->kind(), failure->type(),
                    failure->message() + fmt::format(" (gave up after {} attempts)", attempt));
      }
      throw *failure;
    }
    spdlog::debug("S3 {}: attempt {} failed ({}), retrying", request.operation, attempt,
                  failure->Describe());
    SleepBeforeRetry(options_.retry, attempt, cancel);
  }
}

void S3Client::PutObject(const std::string& key, std::string_view body,
                         const HttpHeaders& headers) {
  S3Request r{"PutObject", "PUT", key, {}, headers, body};
  r.headers.emplace_back("Content-MD5", Base64(Md5(body)));
  Call(r);
}

std::string S3Client::CreateMultipartUpload(const std::string& key, const HttpHeaders& headers) {
  const HttpResponse response =
      Call({"CreateMultipartUpload", "POST", key, {{"uploads", ""}}, headers, {}});
  auto id = XmlText(response.body, "UploadId");
  if (!id || id->empty()) {
    throw InvalidEndpoint({"CreateMultipartUpload", options_.bucket, key, origin_},
                          "no UploadId in the response");
  }
  return *id;
}

std::string S3Client::UploadPart(const std::string& key, const std::string& upload_id,
                                 int part_number, std::string_view body,
                                 const Md5Digest& body_md5) {
  S3Request r{"UploadPart",
              "PUT",
              key,
              {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
              {{"Content-MD5", Base64(body_md5)}},
              body};
  const HttpResponse response = Call(r);
  auto etag = response.Header("etag");
  if (!etag) {
    throw InvalidEndpoint({"UploadPart", options_.bucket, key, origin_}, "no ETag in the response");
  }
  return *etag;
}

void S3Client::CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                       const std::vector<ObjectPart>& parts,
                                       const std::string& expected_etag) {
  std::string body = "<CompleteMultipartUpload>";
  for (const ObjectPart& p : parts) {
    body += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>" +
            XmlEscape(p.etag) + "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  S3Request r{"CompleteMultipartUpload",
              "POST",
              key,
              {{"uploadId", upload_id}},
              {{"Content-Type", "application/xml"}},
              body};
  try {
    Call(r);
  } catch (const Error& e) {
    // A retried Complete whose first attempt succeeded but lost its answer finds the upload
    // gone; the object is there when its ETag is the one these parts make.
    if (e.type() != "NoSuchUpload") throw;
    const auto etag = HeadObject(key).Header("etag");
    if (!etag || Unquote(*etag) != expected_etag) throw;
  }
}

void S3Client::AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
  try {
    Call({"AbortMultipartUpload",
          "DELETE",
          key,
          {{"uploadId", upload_id}},
          {},
          {},
          /*cancellable=*/false});
  } catch (const Error& e) {
    if (e.type() != "NoSuchUpload") throw;  // already gone: what Abort wants
  }
}

ListPage S3Client::ListObjects(const std::string& prefix, const std::optional<std::string>& token,
                               int max_keys) {
  QueryParams query{{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) query.emplace_back("prefix", prefix);
  if (token) query.emplace_back("continuation-token", *token);
  const HttpResponse response = Call({"ListObjectsV2", "GET", "", query, {}, {}});
  ListPage page;
  for (std::string_view contents : XmlElements(response.body, "Contents")) {
    if (auto key = XmlText(contents, "Key")) page.keys.push_back(*key);
  }
  if (XmlText(response.body, "IsTruncated").value_or("false") == "true") {
    page.next_token = XmlText(response.body, "NextContinuationToken");
  }
  return page;
}

std::vector<std::string> S3Client::ListAllKeys(const std::string& prefix) {
  std::vector<std::string> keys;
  std::optional<std::string> token;
  do {
    ListPage page = ListObjects(prefix, token);
    keys.insert(keys.end(), page.keys.begin(), page.keys.end());
    token = page.next_token;
  } while (token);
  return keys;
}

void S3Client::DeleteObject(const std::string& key) {
  Call({"DeleteObject", "DELETE", key, {}, {}, {}});
}

void S3Client::DeleteObjects(const std::vector<std::string>& keys) {
  for (size_t start = 0; start < keys.size(); start += 1000) {
    std::string body = "<Delete><Quiet>true</Quiet>";
    for (size_t i = start; i < std::min(keys.size(), start + 1000); ++i) {
      body += "<Object><Key>" + XmlEscape(keys[i]) + "</Key></Object>";
    }
    body += "</Delete>";
    // DeleteObjects requires a body checksum; Content-MD5 is the one every S3 API knows.
    S3Request r{"DeleteObjects",
                "POST",
                "",
                {{"delete", ""}},
                {{"Content-Type", "application/xml"}, {"Content-MD5", Base64(Md5(body))}},
                body};
    const HttpResponse response = Call(r);
    const auto errors = XmlElements(response.body, "Error");
    if (!errors.empty()) {
      const std::string key = XmlText(errors.front(), "Key").value_or("");
      throw S3ResponseError(200, "<Error>" + std::string(errors.front()) + "</Error>",
                            {"DeleteObjects", options_.bucket, key, origin_});
    }
  }
}

HttpResponse S3Client::HeadObject(const std::string& key) {
  return Call({"HeadObject", "HEAD", key, {}, {}, {}});
}

std::string S3Client::GetObject(const std::string& key) {
  return Call({"GetObject", "GET", key, {}, {}, {}}).body;
}

std::vector<MultipartUploadInfo> S3Client::ListMultipartUploads(const std::string& prefix) {
  QueryParams query{{"uploads", ""}};
  if (!prefix.empty()) query.emplace_back("prefix", prefix);
  const HttpResponse response = Call({"ListMultipartUploads", "GET", "", query, {}, {}});
  std::vector<MultipartUploadInfo> out;
  for (std::string_view upload : XmlElements(response.body, "Upload")) {
    out.push_back({XmlText(upload, "Key").value_or(""), XmlText(upload, "UploadId").value_or("")});
  }
  return out;
}

void S3Client::CreateBucket() {
  try {
    Call({"CreateBucket", "PUT", "", {}, {}, {}});
  } catch (const Error& e) {
    if (e.type() != "BucketAlreadyOwnedByYou") throw;
  }
}

}  // namespace bx::s3
