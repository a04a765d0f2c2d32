#include "format/parquet/statistics.h"

#include <gtest/gtest.h>

namespace bx::parquet {
namespace {

TEST(Statistics, AsciiTruncation) {
  EXPECT_EQ(TruncateMin("abcdef", 3), "abc");
  EXPECT_EQ(TruncateMax("abcdef", 3), "abd");
  EXPECT_EQ(TruncateMin("abc", 3), "abc");
  EXPECT_EQ(TruncateMax("abc", 3), "abc");
  EXPECT_EQ(TruncateMax("az\x7f"
                        "b",
                        3),
            "az\xc2\x80");  // U+007F + 1 = U+0080 (2 bytes)
}

TEST(Statistics, TruncationNeverSplitsAUtf8Character) {
  const std::string v = "a\xc3\xa9zz";  // aézz
  EXPECT_EQ(TruncateMin(v, 2), "a");    // the cut would fall inside é
  EXPECT_EQ(TruncateMax(v, 2), "b");
  EXPECT_EQ(TruncateMax(v, 3), "a\xc3\xaa");                    // é + 1 = ê
  EXPECT_EQ(TruncateMax("\xed\x9f\xbfzz", 3), "\xee\x80\x80");  // U+D7FF + 1 skips surrogates
}

TEST(Statistics, MaxCarriesPastU10FFFFOrIsOmitted) {
  const std::string top = "\xf4\x8f\xbf\xbf";  // U+10FFFF
  EXPECT_EQ(TruncateMax("a" + top + "zz", 5), "b");
  EXPECT_EQ(TruncateMax(top + top + "z", 8), std::nullopt);
}

TEST(Statistics, NonUtf8BytesIncrementBytewise) {
  EXPECT_EQ(TruncateMax("\xff\xfe\x01", 2), "\xff\xff");
  EXPECT_EQ(TruncateMax("\xff\xff\x01", 2), std::nullopt);
}

TEST(Statistics, StringStatsEncodeExactness) {
  StringStats s;
  s.Update("m");
  s.Update(std::string(100, 'z'));
  s.Update("b");
  const EncodedStatistics e = s.Encode(7, 64);
  EXPECT_EQ(e.null_count, 7);
  EXPECT_EQ(e.min_value, "b");
  EXPECT_TRUE(e.min_exact);
  EXPECT_EQ(e.max_value, std::string(63, 'z') + "{");
  EXPECT_FALSE(e.max_exact);
}

TEST(Statistics, Int64StatsArePlainLittleEndian) {
  Int64Stats s;
  s.Update(-2);
  s.Update(258);
  const EncodedStatistics e = s.Encode(0, 8);
  EXPECT_EQ(e.min_value, std::string("\xfe\xff\xff\xff\xff\xff\xff\xff", 8));
  EXPECT_EQ(e.max_value, std::string("\x02\x01\0\0\0\0\0\0", 8));
  Int64Stats none;
  EXPECT_FALSE(none.Encode(3, 8).has_min);
}

}  // namespace
}  // namespace bx::parquet
