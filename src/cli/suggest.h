#pragma once
// "Did you mean ...?" for a mistyped command name.

#include <optional>
#include <string>
#include <vector>

namespace bx {

// The candidate closest to `typed` by edit distance, if it is close enough to be a typo
// (at most a third of the word, and at least one edit allowed).
std::optional<std::string> ClosestName(const std::string& typed,
                                       const std::vector<std::string>& candidates);

}  // namespace bx
