#include "cli/json_file.h"

#include <fstream>

#include <fmt/format.h>

#include "base/error.h"
#include "core/json_parse.h"

namespace bx {

nlohmann::json ReadJsonFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidArgument(flag, "cannot read '" + path + "'");
  std::string text(kMaxJsonFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw InvalidArgument(flag, "cannot read '" + path + "'");
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxJsonFileBytes) {
    throw InvalidArgument(flag, fmt::format("'{}' is larger than {} KiB; give a file holding one "
                                            "JSON object",
                                            path, kMaxJsonFileBytes / 1024));
  }
  std::optional<nlohmann::json> json = ParseUntrustedJson(text, flag, "'" + path + "'");
  if (!json) throw InvalidArgument(flag, "'" + path + "' is not valid JSON");
  if (!json->is_object()) throw InvalidArgument(flag, "'" + path + "' is not a JSON object");
  return std::move(*json);
}

}  // namespace bx
