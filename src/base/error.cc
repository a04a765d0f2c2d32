#include "base/error.h"

namespace bx {

Error::Error(ErrorKind kind, std::string type, std::string message)
    : std::runtime_error(type + ": " + message),
      kind_(kind),
      type_(std::move(type)),
      message_(std::move(message)) {}

Error InvalidArgument(const std::string& field, const std::string& message) {
  return Error(ErrorKind::kInvalidArgument, "InvalidArgument",
               field.empty() ? message : field + ": " + message);
}

Error CancelledError() {
  return Error(ErrorKind::kNonRetryable, "Cancelled", "the run was cancelled");
}

}  // namespace bx
