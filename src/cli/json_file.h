#pragma once
// Reading a JSON object from a file named on the command line (--config, --file).

#include <string>

#include <nlohmann/json.hpp>

namespace bx {

// Files larger than this are refused before they are read whole (an export definition is a
// few hundred bytes; the API takes bodies up to the same size).
inline constexpr size_t kMaxJsonFileBytes = 1 << 20;

// The JSON object in `path`; throws InvalidArgument(flag, ...) when it cannot be read, is larger
// than kMaxJsonFileBytes (/dev/zero, say), nested too deep or not a JSON object.
nlohmann::json ReadJsonFile(const std::string& flag, const std::string& path);

}  // namespace bx
