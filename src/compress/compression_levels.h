#pragma once
// Default and allowed compression levels of each codec.

#include <optional>

#include "core/formats.h"

namespace bx {

// The level streaming files use when the user names none. Throws for kNone and kSnappy.
int DefaultStreamLevel(Compression c);

// `level` if given and in the codec's range, else the default. Throws bx::Error(kInvalidArgument)
// for an out-of-range level.
int ResolveStreamLevel(Compression c, std::optional<int> level);

}  // namespace bx
