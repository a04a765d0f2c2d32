#pragma once
// The web UI (src/server/ui/): its files are compiled into the binary (cmake/EmbedFiles.cmake)
// and served without a token (they hold no data; every call they make goes to /api/ with the
// token the user signs in with), with headers that keep the page to its own scripts.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bx {

struct EmbeddedFile {
  std::string_view name;  // "app.js", relative to src/server/ui
  std::string_view bytes;
};
extern const std::vector<EmbeddedFile> kEmbeddedUiFiles;

struct UiAsset {
  std::string_view content_type;
  std::string_view body;
};

// The file answering a GET of `path` ("/" is index.html, "/app.js" app.js); nullopt for paths
// that are not the UI's.
std::optional<UiAsset> FindUiAsset(std::string_view path);

// Headers for every UI file: a Content-Security-Policy that allows only our own scripts,
// styles and API, no framing, no MIME sniffing, no referrer, no caching of stale versions.
const std::vector<std::pair<std::string, std::string>>& UiHeaders();

}  // namespace bx
