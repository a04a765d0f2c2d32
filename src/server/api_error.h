#pragma once
// How a bx::Error becomes an HTTP error: a status code and the JSON body
// {"type": "...", "detail": "...", "attr": "<field>" | null}.

#include <optional>
#include <string>

#include "base/error.h"

namespace bx {

struct HttpError {
  int status = 500;
  std::string type;
  std::string detail;
  std::optional<std::string> attr;  // the field an InvalidArgument message names
};

// InvalidArgument -> 400 (attr from the "field: message" form), NotFound -> 404,
// Conflict -> 409, PayloadTooLarge -> 413, Unauthorized -> 401, MethodNotAllowed -> 405,
// anything else -> 500.
HttpError ToHttpError(const Error& e);

// The field an InvalidArgument message starts with ("destination.config.path: is required"
// -> "destination.config.path"), if it starts with one.
std::optional<std::string> FieldOfMessage(const std::string& message);

std::string ErrorBody(const HttpError& e);

// Errors the HTTP layer raises itself.
Error NotFoundError(const std::string& detail);
Error PayloadTooLargeError(const std::string& detail);
Error MethodNotAllowedError(const std::string& detail);

}  // namespace bx
