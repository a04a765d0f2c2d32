#pragma once
// The project's one error type. Thrown where the outside world fails, caught at run and thread
// boundaries. `type` is a stable name users see ("NoSuchBucket", "InvalidConfig"); a run's
// latest_error is Describe(): "<type>: <message>".

#include <stdexcept>
#include <string>

namespace bx {

enum class ErrorKind {
  kInvalidArgument,  // the user's input is wrong (config, flags, request body): fix it, no retry
  kNonRetryable,     // the destination refused for good (credentials, missing bucket): no retry
  kRetryable,        // transient (network, 5xx, throttling): retry with backoff
  kInternal,         // a bug or broken invariant in this program
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string type, std::string message);

  ErrorKind kind() const { return kind_; }
  const std::string& type() const { return type_; }
  const std::string& message() const { return message_; }
  std::string Describe() const { return type_ + ": " + message_; }
  // The one place that decides whether a kind of error is retried.
  bool retryable() const { return kind_ == ErrorKind::kRetryable; }

 private:
  ErrorKind kind_;
  std::string type_;
  std::string message_;
};

// A mistake in the user's input; `field` names where (for example "destination.config.path").
Error InvalidArgument(const std::string& field, const std::string& message);

// What a run ends with when it was cancelled (its export deleted or paused, a backfill
// cancelled) while it was working.
Error CancelledError();

}  // namespace bx
