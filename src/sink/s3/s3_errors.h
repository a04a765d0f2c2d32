#pragma once
// Sorting S3's answers into bx::Error: transient ones (5xx, SlowDown, RequestTimeout,
// InternalError) are retryable; everything else is a non-retryable error named after what the
// user must fix (NoSuchBucket, InvalidAccessKeyId, SignatureDoesNotMatch, AccessDenied,
// InvalidBucketName, InvalidS3EndpointError, InvalidS3Key, or S3's own code).

#include <string>
#include <string_view>

#include "base/error.h"

namespace bx::s3 {

// What a failed request was, for messages: "PutObject s3://bucket/key".
struct RequestContext {
  std::string operation;
  std::string bucket;
  std::string key;
  std::string endpoint;  // scheme://host[:port], never credentials
};

// An S3 error response (`status` not 2xx, or a 200 whose body is an <Error>) as a bx::Error.
Error S3ResponseError(long status, std::string_view body, const RequestContext& context);

// True for the S3 error codes that say "try again".
bool IsRetryableCode(std::string_view code);

// The bad endpoint_url error: a name that does not resolve, TLS failure, not an S3 API.
Error InvalidEndpoint(const RequestContext& context, const std::string& why);

}  // namespace bx::s3
