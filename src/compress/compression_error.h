#pragma once
// The one error compressors throw when their library fails.

#include <string_view>

namespace bx {

// Throws bx::Error(kInternal, "CompressionError", "<codec>: <what>").
[[noreturn]] void ThrowCompressionError(std::string_view codec, std::string_view what);

}  // namespace bx
