#include "compress/compression_error.h"

#include <string>

#include "base/error.h"

namespace bx {

void ThrowCompressionError(std::string_view codec, std::string_view what) {
  throw Error(ErrorKind::kInternal, "CompressionError",
              std::string(codec) + ": " + std::string(what));
}

}  // namespace bx
