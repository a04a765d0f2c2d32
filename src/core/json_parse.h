#pragma once
// Parsing JSON that comes from outside (request bodies, capture bodies, config files): one
// nesting limit for all of it, checked by a linear scan before a parser builds anything, so a
// deeply nested body is refused instead of exhausting the stack of whatever walks the tree.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bx {

// Arrays and objects nested deeper than this are refused (documented in docs/api.md).
inline constexpr int kMaxJsonDepth = 512;

// True when no array or object in `text` is nested more than `limit` levels deep. Brackets
// inside strings do not count; `text` need not be valid JSON.
bool JsonDepthWithin(std::string_view text, int limit = kMaxJsonDepth);

// The error for text nested deeper than kMaxJsonDepth; `what` says where the text came from.
std::string TooDeepMessage(std::string_view what);

// Parses `text`: nullopt when it is not valid JSON; throws InvalidArgument(field, ...) when it is
// nested deeper than kMaxJsonDepth.
std::optional<nlohmann::json> ParseUntrustedJson(std::string_view text, const std::string& field,
                                                 std::string_view what);

}  // namespace bx
