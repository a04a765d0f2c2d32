#pragma once
// Whole-buffer compression of Parquet pages, with Parquet's codec semantics: SNAPPY = raw
// snappy, GZIP = one gzip member, ZSTD = one zstd frame, BROTLI = a raw brotli stream,
// LZ4 = LZ4_RAW (one raw LZ4 block, not the frame format). kNone copies.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/formats.h"

namespace bx {

// The zstd level of pages whose level 1 leaves much on the table (see ColumnWriter).
inline constexpr int kDenseZstdPageLevel = 3;

// Appends the compressed form of `in` to `out` (reusing its capacity). `zstd_level`: for ZSTD,
// the level (0: the page default, 1). Throws bx::Error(kInternal, "CompressionError") if the
// library fails.
void CompressBlock(Compression c, std::string_view in, std::string& out, int zstd_level = 0);

// Appends the decompressed form of `in`, which must decode to exactly `uncompressed_size`
// bytes, to `out`. Throws bx::Error(kInternal, "CompressionError") on corrupt input.
void DecompressBlock(Compression c, std::string_view in, size_t uncompressed_size,
                     std::string& out);

}  // namespace bx
