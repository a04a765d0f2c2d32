#include "compress/block_codec.h"

#include <gtest/gtest.h>
#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <string>

#include "base/error.h"
#include "testing/compress_test_util.h"

namespace bx {
namespace {

using testutil::JsonLines;
using testutil::RandomBytes;

class BlockCodecTest : public ::testing::TestWithParam<Compression> {};

INSTANTIATE_TEST_SUITE_P(Codecs, BlockCodecTest,
                         ::testing::Values(Compression::kNone, Compression::kSnappy,
                                           Compression::kGzip, Compression::kZstd,
                                           Compression::kBrotli, Compression::kLz4),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

TEST_P(BlockCodecTest, RoundTripsVariedData) {
  const Compression c = GetParam();
  for (const std::string& data :
       {std::string(), std::string("x"), JsonLines(10 << 20), RandomBytes(1 << 20)}) {
    SCOPED_TRACE(data.size());
    std::string compressed;
    CompressBlock(c, data, compressed);
    std::string decoded;
    DecompressBlock(c, compressed, data.size(), decoded);
    EXPECT_TRUE(testutil::SameBytes(decoded, data));
  }
}

TEST_P(BlockCodecTest, AppendsToOutput) {
  const std::string data = JsonLines(100 << 10);
  std::string out = "prefix";
  CompressBlock(GetParam(), data, out);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  std::string decoded = "head";
  DecompressBlock(GetParam(), std::string_view(out).substr(6), data.size(), decoded);
  EXPECT_TRUE(testutil::SameBytes(decoded, "head" + data));
}

TEST_P(BlockCodecTest, ReusesCapacity) {
  const std::string data = JsonLines(256 << 10);
  std::string out;
  CompressBlock(GetParam(), data, out);
  const std::string first = out;
  const size_t capacity = out.capacity();
  const char* buffer = out.data();
  out.clear();
  CompressBlock(GetParam(), data, out);
  EXPECT_TRUE(testutil::SameBytes(out, first));
  EXPECT_EQ(out.capacity(), capacity);
  EXPECT_EQ(out.data(), buffer);
}

TEST_P(BlockCodecTest, CompressesText) {
  const std::string data = JsonLines(1 << 20);
  std::string out;
  CompressBlock(GetParam(), data, out);
  if (GetParam() == Compression::kNone) {
    EXPECT_EQ(out.size(), data.size());
  } else {
    EXPECT_LT(out.size(), data.size() / 2);
  }
}

TEST_P(BlockCodecTest, WrongSizeOrCorruptInputThrows) {
  const Compression c = GetParam();
  const std::string data = JsonLines(64 << 10);
  std::string compressed;
  CompressBlock(c, data, compressed);
  std::string out = "keep";
  try {
    DecompressBlock(c, compressed, data.size() + 1, out);
    FAIL() << "wrong size accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_EQ(e.type(), "CompressionError");
  }
  EXPECT_EQ(out, "keep");
  if (c == Compression::kNone) return;
  EXPECT_THROW(DecompressBlock(c, std::string_view(compressed).substr(0, compressed.size() / 2),
                               data.size(), out),
               Error);
}

// The formats Parquet readers expect, checked with each library's own decoder.
TEST(BlockFormatTest, SnappyIsRawSnappy) {
  const std::string data = JsonLines(200 << 10);
  std::string out;
  CompressBlock(Compression::kSnappy, data, out);
  std::string decoded;
  ASSERT_TRUE(snappy::Uncompress(out.data(), out.size(), &decoded));
  EXPECT_TRUE(testutil::SameBytes(decoded, data));
}

TEST(BlockFormatTest, GzipIsOneMember) {
  const std::string data = JsonLines(200 << 10);
  std::string out;
  CompressBlock(Compression::kGzip, data, out);
  ASSERT_GE(out.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(out[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 0x8b);
  EXPECT_TRUE(testutil::SameBytes(testutil::DecodeStream(Compression::kGzip, out), data));
}

TEST(BlockFormatTest, ZstdIsOneFrame) {
  const std::string data = JsonLines(200 << 10);
  std::string out;
  CompressBlock(Compression::kZstd, data, out);
  EXPECT_EQ(ZSTD_findFrameCompressedSize(out.data(), out.size()), out.size());
  EXPECT_EQ(ZSTD_getFrameContentSize(out.data(), out.size()), data.size());
  EXPECT_TRUE(testutil::SameBytes(testutil::DecodeStream(Compression::kZstd, out), data));
}

TEST(BlockFormatTest, BrotliIsRawStream) {
  const std::string data = JsonLines(200 << 10);
  std::string out;
  CompressBlock(Compression::kBrotli, data, out);
  EXPECT_TRUE(testutil::SameBytes(testutil::DecodeStream(Compression::kBrotli, out), data));
}

TEST(BlockFormatTest, Lz4IsRawBlockNotFrame) {
  const std::string data = JsonLines(200 << 10);
  std::string out;
  CompressBlock(Compression::kLz4, data, out);
  ASSERT_GE(out.size(), 4u);
  EXPECT_NE(out.substr(0, 4), std::string("\x04\x22\x4d\x18", 4)) << "LZ4 frame magic";
  std::string decoded(data.size(), '\0');
  ASSERT_EQ(LZ4_decompress_safe(out.data(), decoded.data(), static_cast<int>(out.size()),
                                static_cast<int>(decoded.size())),
            static_cast<int>(data.size()));
  EXPECT_TRUE(testutil::SameBytes(decoded, data));
}

}  // namespace
}  // namespace bx
