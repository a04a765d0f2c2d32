#include "server/ui_assets.h"

namespace bx {
namespace {

std::string_view ContentType(std::string_view name) {
  const auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  // Browsers refuse module scripts served with any other type.
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<UiAsset> FindUiAsset(std::string_view path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::string_view name = path.substr(1);
  if (name.empty()) name = "index.html";
  for (const EmbeddedFile& file : kEmbeddedUiFiles) {
    if (file.name == name) return UiAsset{ContentType(name), file.bytes};
  }
  return std::nullopt;
}

const std::vector<std::pair<std::string, std::string>>& UiHeaders() {
  static const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cache-Control", "no-cache"},
  };
  return headers;
}

}  // namespace bx
