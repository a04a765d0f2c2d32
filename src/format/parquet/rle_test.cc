#include "format/parquet/rle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bx::parquet {
namespace {

using B = std::vector<uint8_t>;
B Bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::string Encode(const std::vector<uint32_t>& values, int width) {
  std::string out;
  RleEncoder e(width, &out);
  for (uint32_t v : values) e.Put(v);
  e.Flush();
  return out;
}

TEST(Rle, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(7), 3);
  EXPECT_EQ(BitWidth(8), 4);
  EXPECT_EQ(BitWidth(UINT32_MAX), 32);
}

TEST(Rle, BitPackedExampleFromTheSpec) {
  // Encodings.md: 0..7 with bit width 3 -> 10001000 11000110 11111010, after the header
  // varint((8 / 8) << 1 | 1) = 3.
  EXPECT_EQ(Bytes(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3)), (B{0x03, 0x88, 0xc6, 0xfa}));
}

TEST(Rle, LongRunIsOneRleRun) {
  // header varint(100 << 1) = c8 01, then the value in one byte.
  EXPECT_EQ(Bytes(Encode(std::vector<uint32_t>(100, 1), 1)), (B{0xc8, 0x01, 0x01}));
  // bit width 9 -> the repeated value takes 2 bytes, little endian.
  EXPECT_EQ(Bytes(Encode(std::vector<uint32_t>(8, 300), 9)), (B{0x10, 0x2c, 0x01}));
}

TEST(Rle, ShortTailIsPaddedToAGroupOfEight) {
  // 9 levels -> 2 groups: header (2 << 1) | 1 = 5; bits LSB first: 1,0,1,1,0,0,0,0 = 0x0d; then
  // 1 and seven padding zeros = 0x01.
  EXPECT_EQ(Bytes(Encode({1, 0, 1, 1, 0, 0, 0, 0, 1}, 1)), (B{0x05, 0x0d, 0x01}));
}

TEST(Rle, LiteralsThenRun) {
  // 2,3,4 then twenty 5s: five 5s complete the literal group of 8, the other 15 form an RLE run.
  // Group: 2 | 3<<3 | 4<<6 | 5<<9 | 5<<12 | 5<<15 | 5<<18 | 5<<21 = 0xb6db1a -> 1a db b6.
  std::vector<uint32_t> v{2, 3, 4};
  v.insert(v.end(), 20, 5);
  EXPECT_EQ(Bytes(Encode(v, 3)), (B{0x03, 0x1a, 0xdb, 0xb6, 0x1e, 0x05}));
}

TEST(Rle, RunThenLiterals) {
  // ten 1s (RLE, header 0x14), then 0,1 bit-packed in one padded group (0b10 = 0x02).
  std::vector<uint32_t> v(10, 1);
  v.push_back(0);
  v.push_back(1);
  EXPECT_EQ(Bytes(Encode(v, 1)), (B{0x14, 0x01, 0x03, 0x02}));
}

TEST(Rle, ManyLiteralsSpanSeveralBitPackedRuns) {
  // Alternating values never form a run; the encoder flushes its 512-value buffer as it goes.
  std::vector<uint32_t> v;
  for (int i = 0; i < 2000; ++i) v.push_back(i % 2);
  const std::string out = Encode(v, 1);
  // 512 values = 64 groups per run: header varint(64 << 1 | 1) = 0x81 0x01, then 64 bytes of 0xaa.
  ASSERT_GE(out.size(), 66u);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 0x81);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0x01);
  EXPECT_EQ(static_cast<uint8_t>(out[2]), 0xaa);
  // 2000 values: 3 full runs of 512 (2 + 64 bytes each) + 464 values (58 groups: 0x75, 58 bytes).
  EXPECT_EQ(out.size(), 3 * 66 + 1 + 58);
}

TEST(Rle, DefinitionLevelsFastPaths) {
  std::string out;
  std::vector<uint8_t> ones(1000, 1);
  EncodeDefinitionLevels(ones.data(), ones.size(), 0, out);
  EXPECT_EQ(Bytes(out), (B{0xd0, 0x0f, 0x01}));  // varint(2000), value 1
  out.clear();
  std::vector<uint8_t> zeros(3, 0);
  EncodeDefinitionLevels(zeros.data(), zeros.size(), 3, out);
  EXPECT_EQ(Bytes(out), (B{0x06, 0x00}));  // RLE even for a short run: it is the whole page
}

}  // namespace
}  // namespace bx::parquet
