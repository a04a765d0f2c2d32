#include "compress/block_codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <libdeflate.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "compress/compression_error.h"

namespace bx {
namespace {

// Page levels, chosen with bench/compress_bench.cc on 1 MiB pages of event JSON (MB/s of CPU
// time, ratio), favouring speed like the stream defaults (compression_levels.cc). GZIP uses
// libdeflate, not zlib: it is faster at every ratio (level 1: 244 MB/s 4.52 vs zlib 1: 138 MB/s
// 4.02). Level 4: 133 MB/s 4.95, about zlib 6's ratio (58 MB/s 5.05) at zlib 3's speed; level 6
// would give 89 MB/s 5.46. ZSTD 1: 465 MB/s 5.32 (3: 242 MB/s 5.02). BROTLI 4: 76 MB/s 5.60
// (5: 49 MB/s 5.74).
constexpr int kGzipLevel = 4;
constexpr int kZstdLevel = 1;
constexpr int kBrotliQuality = 4;
constexpr int kBrotliWindowBits = 22;

// Grows `out` by `bound` bytes and returns where they start; callers trim to what they wrote.
char* Grow(std::string& out, size_t bound) {
  const size_t old = out.size();
  out.resize(old + bound);
  return out.data() + old;
}

struct DeflateCompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};
struct ZstdCCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// One compressor per thread: allocating one costs more than compressing a small page.
libdeflate_compressor* ThreadDeflateCompressor() {
  thread_local std::unique_ptr<libdeflate_compressor, DeflateCompressorDeleter> c(
      libdeflate_alloc_compressor(kGzipLevel));
  if (c == nullptr) ThrowCompressionError("gzip", "libdeflate_alloc_compressor failed");
  return c.get();
}

ZSTD_CCtx* ThreadZstdContext() {
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdCCtxDeleter> c(ZSTD_createCCtx());
  if (c == nullptr) ThrowCompressionError("zstd", "ZSTD_createCCtx failed");
  return c.get();
}

size_t CompressInto(Compression c, std::string_view in, std::string& out, int zstd_level) {
  switch (c) {
    case Compression::kNone:
      out.append(in);
      return in.size();
    case Compression::kSnappy: {
      char* dst = Grow(out, snappy::MaxCompressedLength(in.size()));
      size_t n = 0;
      snappy::RawCompress(in.data(), in.size(), dst, &n);
      return n;
    }
    case Compression::kGzip: {
      libdeflate_compressor* comp = ThreadDeflateCompressor();
      const size_t bound = libdeflate_gzip_compress_bound(comp, in.size());
      const size_t n =
          libdeflate_gzip_compress(comp, in.data(), in.size(), Grow(out, bound), bound);
      if (n == 0) ThrowCompressionError("gzip", "libdeflate_gzip_compress failed");
      return n;
    }
    case Compression::kZstd: {
      const size_t bound = ZSTD_compressBound(in.size());
      const size_t n = ZSTD_compressCCtx(ThreadZstdContext(), Grow(out, bound), bound, in.data(),
                                         in.size(), zstd_level == 0 ? kZstdLevel : zstd_level);
      if (ZSTD_isError(n)) ThrowCompressionError("zstd", ZSTD_getErrorName(n));
      return n;
    }
    case Compression::kBrotli: {
      size_t n = BrotliEncoderMaxCompressedSize(in.size());
      if (n == 0) ThrowCompressionError("brotli", "input too large");
      auto* dst = reinterpret_cast<uint8_t*>(Grow(out, n));
      if (!BrotliEncoderCompress(kBrotliQuality, kBrotliWindowBits, BROTLI_MODE_GENERIC, in.size(),
                                 reinterpret_cast<const uint8_t*>(in.data()), &n, dst)) {
        ThrowCompressionError("brotli", "BrotliEncoderCompress failed");
      }
      return n;
    }
    case Compression::kLz4: {
      if (in.size() > LZ4_MAX_INPUT_SIZE) ThrowCompressionError("lz4", "input too large");
      const int bound = LZ4_compressBound(static_cast<int>(in.size()));
      const int n =
          LZ4_compress_default(in.data(), Grow(out, bound), static_cast<int>(in.size()), bound);
      if (n <= 0) ThrowCompressionError("lz4", "LZ4_compress_default failed");
      return static_cast<size_t>(n);
    }
  }
  ThrowCompressionError("block", "unknown compression");
}

// Parquet GZIP pages are decoded by zlib in most readers, so decode with zlib (not libdeflate)
// and insist the member ends exactly at the end of the page.
bool InflateGzip(std::string_view in, char* dst, size_t size) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(dst);
  zs.avail_out = static_cast<uInt>(size);
  const int rc = inflate(&zs, Z_FINISH);
  const bool exact = rc == Z_STREAM_END && zs.avail_in == 0 && zs.total_out == size;
  inflateEnd(&zs);
  return exact;
}

// Decodes `in` into exactly `size` bytes at `dst`; false if it is corrupt or of another size.
bool DecodeInto(Compression c, std::string_view in, char* dst, size_t size) {
  switch (c) {
    case Compression::kNone:
      if (in.size() != size) return false;
      std::copy(in.begin(), in.end(), dst);
      return true;
    case Compression::kSnappy: {
      size_t n = 0;
      return snappy::GetUncompressedLength(in.data(), in.size(), &n) && n == size &&
             snappy::RawUncompress(in.data(), in.size(), dst);
    }
    case Compression::kGzip:
      return in.size() <= UINT32_MAX && size <= UINT32_MAX && InflateGzip(in, dst, size);
    case Compression::kZstd: {
      const size_t n = ZSTD_decompress(dst, size, in.data(), in.size());
      return !ZSTD_isError(n) && n == size;
    }
    case Compression::kBrotli: {
      size_t n = size;
      return BrotliDecoderDecompress(in.size(), reinterpret_cast<const uint8_t*>(in.data()), &n,
                                     reinterpret_cast<uint8_t*>(dst)) ==
                 BROTLI_DECODER_RESULT_SUCCESS &&
             n == size;
    }
    case Compression::kLz4:
      return in.size() <= LZ4_MAX_INPUT_SIZE && size <= LZ4_MAX_INPUT_SIZE &&
             LZ4_decompress_safe(in.data(), dst, static_cast<int>(in.size()),
                                 static_cast<int>(size)) == static_cast<int>(size);
  }
  return false;
}

}  // namespace

void CompressBlock(Compression c, std::string_view in, std::string& out, int zstd_level) {
  const size_t old = out.size();
  try {
    out.resize(old + CompressInto(c, in, out, zstd_level));
  } catch (...) {
    out.resize(old);  // drop the half-written bound, then report
    throw;
  }
}

void DecompressBlock(Compression c, std::string_view in, size_t uncompressed_size,
                     std::string& out) {
  const size_t old = out.size();
  if (!DecodeInto(c, in, Grow(out, uncompressed_size), uncompressed_size)) {
    out.resize(old);
    ThrowCompressionError(CompressionName(c),
                          "corrupt page or not " + std::to_string(uncompressed_size) + " bytes");
  }
}

}  // namespace bx
