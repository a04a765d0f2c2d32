#include "server/ingest_paths.h"

#include <array>

namespace bx {

IngestPath ClassifyIngestPath(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  static constexpr std::array<std::string_view, 6> kCapture = {"/capture", "/batch", "/e",
                                                               "/i/v0/e",  "/track", "/engage"};
  for (std::string_view p : kCapture) {
    if (path == p) return IngestPath::kCapture;
  }
  if (path == "/decide" || path == "/flags") return IngestPath::kFlags;
  return IngestPath::kNone;
}

}  // namespace bx
