#include "sink/s3/s3_errors.h"

#include <cctype>

#include <fmt/format.h>

#include "base/strings.h"
#include "sink/s3/xml.h"

namespace bx::s3 {
namespace {

std::string Where(const RequestContext& c) {
  std::string where = c.operation + " s3://" + c.bucket;
  if (!c.key.empty()) where += "/" + c.key;
  return where;
}

bool IsIdentifier(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char ch : code) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') {
      return false;
    }
  }
  return true;
}

// What the user should do about the usual refusals; radosgw sends an empty <Message>.
std::string Advice(std::string_view code, const RequestContext& c) {
  if (code == "NoSuchBucket") return "bucket '" + c.bucket + "' does not exist at " + c.endpoint;
  if (code == "InvalidAccessKeyId") {
    return "the access key id is not known to " + c.endpoint + ": check aws_access_key_id";
  }
  if (code == "SignatureDoesNotMatch") {
    return "the server computed a different request signature: check aws_secret_access_key";
  }
  if (code == "AccessDenied") {
    return "access denied: check that the credentials may read, write and delete in bucket '" +
           c.bucket + "'";
  }
  if (code == "InvalidBucketName") return "'" + c.bucket + "' is not a valid bucket name";
  if (code == "InvalidToken" || code == "ExpiredToken") {
    return "the session token is invalid or expired: check aws_session_token";
  }
  if (code == "RequestTimeTooSkewed") return "this machine's clock is too far from the server's";
  return "";
}

}  // namespace

bool IsRetryableCode(std::string_view code) {
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError" ||
         code == "ServiceUnavailable" || code == "Throttling" || code == "ThrottlingException" ||
         code == "RequestTimeoutException" || code == "OperationAborted";
}

Error S3ResponseError(long status, std::string_view body, const RequestContext& c) {
  // What the server sends ends up in the run's latest_error and log lines (the state stores, the
  // API): valid UTF-8 on one line, of a bounded size.
  std::string code = PrintableText(XmlText(body, "Code").value_or(""), 128);
  const std::string server_message = PrintableText(XmlText(body, "Message").value_or(""), 512);
  if (code.empty() && body.empty() && (status == 404 || status == 403)) {
    // A HEAD has no body: the status is all there is.
    code = status == 404 ? (c.key.empty() ? "NoSuchBucket" : "NoSuchKey") : "AccessDenied";
  }
  const bool retryable = status >= 500 || IsRetryableCode(code) || status == 429;
  if (code.empty() && !retryable) {
    return InvalidEndpoint(c, fmt::format("HTTP {} without an S3 error document", status));
  }
  std::string type = IsIdentifier(code) ? code : (retryable ? "S3ServerError" : "S3Error");
  if (code == "KeyTooLongError") type = "InvalidS3Key";
  std::string message = Advice(code, c);
  if (message.empty()) message = server_message.empty() ? code : server_message;
  if (message.empty()) message = fmt::format("HTTP {}", status);
  message += fmt::format(" (HTTP {} on {})", status, Where(c));
  if (!server_message.empty() && message.find(server_message) == std::string::npos) {
    message += ": " + server_message;
  }
  return Error(retryable ? ErrorKind::kRetryable : ErrorKind::kNonRetryable, type, message);
}

Error InvalidEndpoint(const RequestContext& c, const std::string& why) {
  return Error(ErrorKind::kNonRetryable, "InvalidS3EndpointError",
               "endpoint " + c.endpoint + " is not a reachable S3 API (" + why + " on " + Where(c) +
                   "): check endpoint_url");
}

}  // namespace bx::s3
