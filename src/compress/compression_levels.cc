#include "compress/compression_levels.h"

#include <zstd.h>

#include <string>

#include "base/error.h"

namespace bx {
namespace {

struct LevelRange {
  int min;
  int max;
};

LevelRange RangeOf(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return {0, 9};
    case Compression::kZstd:
      return {ZSTD_minCLevel(), ZSTD_maxCLevel()};
    case Compression::kBrotli:
      return {0, 11};
    case Compression::kLz4:
      return {0, 12};  // 0..2 fast mode, 3..12 LZ4 HC
    case Compression::kNone:
    case Compression::kSnappy:
      break;
  }
  throw Error(ErrorKind::kInternal, "InternalError",
              "no stream levels for compression " + std::string(CompressionName(c)));
}

}  // namespace

// Chosen with bench/compress_bench.cc: ~210 MB of event JSON lines, one thread, MB/s of CPU
// time (the machine was shared), ratio = input / output. An export thread is bound by this CPU
// rather than by S3 bandwidth, so each default is the fast end of its codec's knee.
//   gzip   1: 138 MB/s 4.03 | 3: 126 MB/s 4.45 | 4: 80 MB/s 4.62 | 6: 58 MB/s 5.08
//          Levels 1-3 are zlib's greedy matcher; 4+ switch to lazy matching and lose ~40% speed.
//          3 keeps 90% of level 1's speed for 10% smaller files.
//   zstd   1: 409 MB/s 5.36 | 3: 208 MB/s 4.97. Level 1 is both faster and smaller on this data
//          (many random ids; the zstd CLI agrees: -1 beats -3 by 7%).
//   brotli 4: 39 MB/s 5.59 | 5: 26 MB/s 5.60 (both with the size hint in brotli_encoder.cc).
//   lz4    0 (the fast mode): 429 MB/s 2.86; HC levels are for archives, not exports.
int DefaultStreamLevel(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return 3;
    case Compression::kZstd:
      return 1;
    case Compression::kBrotli:
      return 4;
    case Compression::kLz4:
      return 0;
    case Compression::kNone:
    case Compression::kSnappy:
      break;
  }
  throw Error(ErrorKind::kInternal, "InternalError",
              "no default stream level for compression " + std::string(CompressionName(c)));
}

int ResolveStreamLevel(Compression c, std::optional<int> level) {
  if (!level) return DefaultStreamLevel(c);
  const LevelRange range = RangeOf(c);
  if (*level < range.min || *level > range.max) {
    throw InvalidArgument("compression_level",
                          std::string(CompressionName(c)) + " level must be in " +
                              std::to_string(range.min) + ".." + std::to_string(range.max) +
                              ", got " + std::to_string(*level));
  }
  return *level;
}

}  // namespace bx
