#include "server/api_error.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace bx {

std::optional<std::string> FieldOfMessage(const std::string& message) {
  const size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  for (size_t i = 0; i < colon; ++i) {
    const char c = message[i];
    const bool field_char = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                            c == '-' || c == '[' || c == ']' || c == '$';
    if (!field_char) return std::nullopt;
  }
  return message.substr(0, colon);
}

HttpError ToHttpError(const Error& e) {
  HttpError out;
  out.type = e.type();
  out.detail = e.message();
  if (e.type() == "NotFound") {
    out.status = 404;
  } else if (e.type() == "Conflict") {
    out.status = 409;
    out.attr = FieldOfMessage(e.message());
  } else if (e.type() == "TooManyRequests") {
    out.status = 429;
  } else if (e.type() == "PayloadTooLarge") {
    out.status = 413;
  } else if (e.type() == "Unauthorized") {
    out.status = 401;
  } else if (e.type() == "MethodNotAllowed") {
    out.status = 405;
  } else if (e.kind() == ErrorKind::kInvalidArgument) {
    out.status = 400;
    out.attr = FieldOfMessage(e.message());
  } else {
    out.status = 500;
  }
  return out;
}

std::string ErrorBody(const HttpError& e) {
  nlohmann::json body = {{"type", e.type}, {"detail", e.detail}, {"attr", nullptr}};
  if (e.attr) body["attr"] = *e.attr;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Error NotFoundError(const std::string& detail) {
  return Error(ErrorKind::kNonRetryable, "NotFound", detail);
}

Error PayloadTooLargeError(const std::string& detail) {
  return Error(ErrorKind::kInvalidArgument, "PayloadTooLarge", detail);
}

Error MethodNotAllowedError(const std::string& detail) {
  return Error(ErrorKind::kNonRetryable, "MethodNotAllowed", detail);
}

}  // namespace bx
