#include "core/json_parse.h"

#include <fmt/format.h>

#include "base/error.h"

namespace bx {

bool JsonDepthWithin(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

std::string TooDeepMessage(std::string_view what) {
  return fmt::format("{} nests arrays or objects more than {} levels deep", what, kMaxJsonDepth);
}

std::optional<nlohmann::json> ParseUntrustedJson(std::string_view text, const std::string& field,
                                                 std::string_view what) {
  if (!JsonDepthWithin(text)) throw InvalidArgument(field, TooDeepMessage(what));
  nlohmann::json parsed =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

}  // namespace bx
