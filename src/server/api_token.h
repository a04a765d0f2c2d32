#pragma once
// The admin API token: 32 random bytes as hex, generated on first start and kept in
// <data-dir>/api-token (mode 0600).

#include <filesystem>
#include <string>

namespace bx {

struct ApiToken {
  std::string value;
  bool created = false;  // true on first start: the caller prints it once
};

// Reads the token file, or creates it (exclusively, 0600) when missing. Throws bx::Error when
// the file is unreadable, empty, or readable by others.
ApiToken LoadOrCreateApiToken(const std::filesystem::path& data_dir);

std::filesystem::path ApiTokenPath(const std::filesystem::path& data_dir);

}  // namespace bx
