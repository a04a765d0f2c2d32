#pragma once
// A ByteSink that compresses everything appended into another sink as one stream per file.

#include <memory>
#include <optional>

#include "core/formats.h"
#include "io/byte_sink.h"

namespace bx {

// gzip (one member), zstd (one frame), brotli (one stream) or lz4 (one frame) around `inner`;
// kNone passes bytes through. kSnappy throws bx::Error(kInvalidArgument): JSON lines has no
// snappy stream framing. `level` defaults per codec (compression_levels.cc).
//
// EstimatedSize() predicts the finished compressed size: the compressor is flushed every
// 256 KiB of input, and input since the last flush is scaled by the last segment's ratio.
std::unique_ptr<ByteSink> MakeCompressingSink(Compression c, std::unique_ptr<ByteSink> inner,
                                              std::optional<int> level = std::nullopt);

}  // namespace bx
