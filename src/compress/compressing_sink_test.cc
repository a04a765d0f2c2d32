#include "compress/compressing_sink.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "base/error.h"
#include "compress/compression_error.h"
#include "io/local_file_sink.h"
#include "testing/compress_test_util.h"

namespace bx {
namespace {

using testutil::DecodeStream;
using testutil::JsonLines;
using testutil::MemorySink;
using testutil::RandomBytes;

// Compresses `data` in appends of `step` bytes into memory; returns the compressed bytes.
std::string Compress(Compression c, std::string_view data, size_t step = 1 << 20,
                     std::optional<int> level = std::nullopt) {
  MemorySink::State state;
  auto sink = MakeCompressingSink(c, std::make_unique<MemorySink>(&state), level);
  for (size_t i = 0; i < data.size(); i += step) sink->Append(data.substr(i, step));
  EXPECT_EQ(sink->BytesWritten(), data.size());
  sink->Finish();
  EXPECT_TRUE(state.finished);
  EXPECT_FALSE(state.aborted);
  EXPECT_EQ(sink->EstimatedSize(), state.bytes.size());
  return state.bytes;
}

class StreamCodecTest : public ::testing::TestWithParam<Compression> {};

INSTANTIATE_TEST_SUITE_P(Codecs, StreamCodecTest,
                         ::testing::Values(Compression::kGzip, Compression::kZstd,
                                           Compression::kBrotli, Compression::kLz4),
                         [](const auto& info) { return std::string(CompressionName(info.param)); });

TEST_P(StreamCodecTest, RoundTripsVariedData) {
  const Compression c = GetParam();
  for (const std::string& data : {std::string(), std::string("x"), JsonLines(10 << 20),
                                  RandomBytes(1 << 20), JsonLines(700 << 10) + RandomBytes(300)}) {
    SCOPED_TRACE(data.size());
    const std::string compressed = Compress(c, data);
    EXPECT_FALSE(compressed.empty());
    EXPECT_TRUE(testutil::SameBytes(DecodeStream(c, compressed), data));
  }
}

TEST_P(StreamCodecTest, CompressesText) {
  const std::string data = JsonLines(4 << 20);
  EXPECT_LT(Compress(GetParam(), data).size(), data.size() / 3);
}

TEST_P(StreamCodecTest, OutputDependsOnlyOnInputBytes) {
  const Compression c = GetParam();
  // Crosses the 256 KiB flush boundary inside appends of every size.
  const std::string data = JsonLines(600 << 10);
  const std::string bulk = Compress(c, data);
  EXPECT_TRUE(testutil::SameBytes(Compress(c, data, 1), bulk));
  EXPECT_TRUE(testutil::SameBytes(Compress(c, data, 1000), bulk));
  EXPECT_TRUE(testutil::SameBytes(Compress(c, data, 65537), bulk));
  EXPECT_TRUE(testutil::SameBytes(Compress(c, data, 300 << 10), bulk));
  EXPECT_TRUE(testutil::SameBytes(DecodeStream(c, bulk), data));
}

TEST_P(StreamCodecTest, HandsInnerSinkLargeChunks) {
  MemorySink::State state;
  auto sink = MakeCompressingSink(GetParam(), std::make_unique<MemorySink>(&state));
  const std::string data = RandomBytes(2 << 20);
  for (size_t i = 0; i < data.size(); i += 100) sink->Append(std::string_view(data).substr(i, 100));
  sink->Finish();
  ASSERT_GE(state.append_sizes.size(), 2u);
  for (size_t i = 0; i + 1 < state.append_sizes.size(); ++i) {
    EXPECT_GE(state.append_sizes[i], 64u << 10) << "append " << i;
    EXPECT_LE(state.append_sizes[i], 256u << 10) << "append " << i;
  }
}

// At every 64 KiB of input past 1 MiB, EstimatedSize() is within 10% of the size the file
// would have had if it had been finished right there.
TEST_P(StreamCodecTest, EstimatedSizePredictsFinishedSize) {
  const Compression c = GetParam();
  const std::string data = JsonLines((3 << 20) + (100 << 10) + 7, 3);
  constexpr size_t kStep = 64 << 10;
  MemorySink::State state;
  auto sink = MakeCompressingSink(c, std::make_unique<MemorySink>(&state));
  EXPECT_EQ(sink->EstimatedSize(), 0u);
  for (size_t pos = 0; pos < data.size();) {
    const size_t n = std::min(kStep, data.size() - pos);
    sink->Append(std::string_view(data).substr(pos, n));
    pos += n;
    if (pos < (1 << 20)) continue;
    const double estimate = static_cast<double>(sink->EstimatedSize());
    const double actual =
        static_cast<double>(Compress(c, std::string_view(data).substr(0, pos)).size());
    EXPECT_NEAR(estimate, actual, 0.1 * estimate) << "after " << pos << " bytes";
  }
  const double predicted = static_cast<double>(sink->EstimatedSize());
  sink->Finish();
  EXPECT_NEAR(static_cast<double>(state.bytes.size()), predicted, 0.1 * predicted);
  EXPECT_EQ(sink->EstimatedSize(), state.bytes.size());
  EXPECT_EQ(sink->BytesWritten(), data.size());
}

TEST_P(StreamCodecTest, EstimateBeforeFirstFlushIsInputSize) {
  MemorySink::State state;
  auto sink = MakeCompressingSink(GetParam(), std::make_unique<MemorySink>(&state));
  sink->Append(JsonLines(100 << 10));
  EXPECT_EQ(sink->EstimatedSize(), 100u << 10);
}

TEST_P(StreamCodecTest, AcceptsExplicitLevel) {
  const std::string data = JsonLines(1 << 20);
  const Compression c = GetParam();
  const int high = c == Compression::kZstd ? 19 : c == Compression::kBrotli ? 9 : 9;
  const std::string fast = Compress(c, data, 1 << 20, 1);
  const std::string strong = Compress(c, data, 1 << 20, high);
  EXPECT_TRUE(testutil::SameBytes(DecodeStream(c, strong), data));
  EXPECT_LT(strong.size(), fast.size());
}

TEST_P(StreamCodecTest, RejectsOutOfRangeLevel) {
  MemorySink::State state;
  try {
    MakeCompressingSink(GetParam(), std::make_unique<MemorySink>(&state), 1000);
    FAIL() << "level 1000 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
  }
  EXPECT_TRUE(state.aborted);
}

TEST_P(StreamCodecTest, DestructionWithoutFinishAborts) {
  MemorySink::State state;
  {
    auto sink = MakeCompressingSink(GetParam(), std::make_unique<MemorySink>(&state));
    sink->Append(JsonLines(1 << 20));
  }
  EXPECT_TRUE(state.aborted);
  EXPECT_FALSE(state.finished);
}

TEST_P(StreamCodecTest, AbortThenAppendThrows) {
  MemorySink::State state;
  auto sink = MakeCompressingSink(GetParam(), std::make_unique<MemorySink>(&state));
  sink->Append("abc");
  sink->Abort();
  EXPECT_TRUE(state.aborted);
  EXPECT_THROW(sink->Append("more"), Error);
  EXPECT_THROW(sink->Finish(), Error);
  EXPECT_FALSE(state.finished);
}

TEST_P(StreamCodecTest, AppendAfterFinishThrows) {
  MemorySink::State state;
  auto sink = MakeCompressingSink(GetParam(), std::make_unique<MemorySink>(&state));
  sink->Append("abc");
  sink->Finish();
  try {
    sink->Append("more");
    FAIL() << "append after Finish accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  }
}

// A real file through LocalFileSink, checked and decoded by the codec's command-line tool.
TEST_P(StreamCodecTest, FileIsValidForCommandLineTool) {
  const Compression c = GetParam();
  const std::string ext(CompressionExtension(c));
  const std::string tool = c == Compression::kGzip     ? "gzip"
                           : c == Compression::kZstd   ? "zstd -q"
                           : c == Compression::kBrotli ? "brotli"
                                                       : "lz4 -q";
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("bx_compress_cli_" + ext);
  const std::string file = (dir / ("events.jsonl." + ext)).string();
  const std::string decoded = (dir / "decoded.jsonl").string();
  const std::string data = JsonLines((2 << 20) + 12345) + "ünïcode ✓\n";

  auto sink = MakeCompressingSink(c, std::make_unique<LocalFileSink>(file));
  for (size_t i = 0; i < data.size(); i += 10000)
    sink->Append(std::string_view(data).substr(i, 10000));
  sink->Finish();
  const std::string compressed = testutil::ReadFile(file);
  EXPECT_EQ(compressed.size(), sink->EstimatedSize());

  EXPECT_EQ(std::system((tool + " -t '" + file + "'").c_str()), 0);
  ASSERT_EQ(std::system((tool + " -dc '" + file + "' > '" + decoded + "'").c_str()), 0);
  EXPECT_TRUE(testutil::SameBytes(testutil::ReadFile(decoded), data));
  // Exactly one gzip member / zstd frame / brotli stream / LZ4 frame, ending at the file's end.
  EXPECT_TRUE(testutil::SameBytes(DecodeStream(c, compressed), data));
  if (c == Compression::kGzip) {
    // gzip -l reports the uncompressed size from the (last) member's trailer.
    const std::string listing = (dir / "listing.txt").string();
    ASSERT_EQ(std::system(("gzip -l '" + file + "' > '" + listing + "'").c_str()), 0);
    EXPECT_NE(testutil::ReadFile(listing).find(" " + std::to_string(data.size()) + " "),
              std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST(CompressingSinkTest, CorruptionIsDetectedByDecoder) {
  // Guards the checkers themselves: a damaged or doubled stream must not pass.
  for (Compression c :
       {Compression::kGzip, Compression::kZstd, Compression::kBrotli, Compression::kLz4}) {
    SCOPED_TRACE(CompressionName(c));
    const std::string good = Compress(c, JsonLines(300 << 10));
    EXPECT_THROW(DecodeStream(c, good + good), std::runtime_error);
    EXPECT_THROW(DecodeStream(c, good.substr(0, good.size() - 1)), std::runtime_error);
  }
}

TEST(CompressingSinkTest, NoneIsPassThrough) {
  MemorySink::State state;
  auto sink = MakeCompressingSink(Compression::kNone, std::make_unique<MemorySink>(&state));
  sink->Append("hello ");
  sink->Append("world");
  EXPECT_EQ(sink->BytesWritten(), 11u);
  EXPECT_EQ(sink->EstimatedSize(), 11u);
  sink->Finish();
  EXPECT_TRUE(state.finished);
  EXPECT_EQ(state.bytes, "hello world");
}

TEST(CompressingSinkTest, NoneAbortReachesInner) {
  MemorySink::State state;
  auto sink = MakeCompressingSink(Compression::kNone, std::make_unique<MemorySink>(&state));
  sink->Append("x");
  sink->Abort();
  EXPECT_TRUE(state.aborted);
}

TEST(CompressingSinkTest, SnappyIsRejected) {
  MemorySink::State state;
  try {
    MakeCompressingSink(Compression::kSnappy, std::make_unique<MemorySink>(&state));
    FAIL() << "snappy accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(e.message().find("snappy"), std::string::npos);
  }
  EXPECT_TRUE(state.aborted);
  EXPECT_FALSE(state.finished);
}

TEST(CompressingSinkTest, AbortedFileLeavesNothingBehind) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "bx_abort";
  std::filesystem::remove_all(dir);
  {
    auto sink = MakeCompressingSink(Compression::kZstd,
                                    std::make_unique<LocalFileSink>(dir / "events.jsonl.zst"));
    sink->Append(JsonLines(1 << 20));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST(CompressingSinkTest, CompressionErrorNamesCodec) {
  try {
    ThrowCompressionError("zstd", "boom");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_EQ(e.type(), "CompressionError");
    EXPECT_EQ(e.message(), "zstd: boom");
  }
}

}  // namespace
}  // namespace bx
