#include "base/time.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bx {
namespace {

TEST(Time, FormatsIsoWithMicrosAndOffset) {
  const Micros t = FromCivilUtc(2024, 1, 15, 1, 0, 0) + 123456;
  EXPECT_EQ(FormatIsoMicros(t), "2024-01-15T01:00:00.123456+00:00");
  EXPECT_EQ(FormatIsoMicros(FromCivilUtc(2024, 1, 15)), "2024-01-15T00:00:00.000000+00:00");
}

TEST(Time, IsoMicrosWriterMatchesWriteIsoMicros) {
  IsoMicrosWriter writer;
  const Micros base = FromCivilUtc(2024, 12, 31, 23, 59, 58);
  for (Micros t : {base, base + 1, base + 999999, base + 1000000, base + 2000001, base - 1,
                   Micros{-1}, Micros{0}, base}) {
    char out[kIsoMicrosLength];
    writer.Write(t, out);
    EXPECT_EQ(std::string(out, kIsoMicrosLength), FormatIsoMicros(t));
  }
}

TEST(Time, FormatIsoOmitsZeroFractionLikePython) {
  EXPECT_EQ(FormatIso(FromCivilUtc(2023, 4, 25, 13, 30)), "2023-04-25T13:30:00+00:00");
  EXPECT_EQ(FormatIso(FromCivilUtc(2023, 4, 25, 13, 30) + 5), "2023-04-25T13:30:00.000005+00:00");
}

TEST(Time, HandlesTimesBeforeTheEpoch) {
  EXPECT_EQ(FormatIsoMicros(-1), "1969-12-31T23:59:59.999999+00:00");
  EXPECT_EQ(ParseIsoTime("1969-12-31T23:59:59.999999Z", "t"), -1);
}

TEST(Time, ParsesTheAcceptedForms) {
  const Micros midnight = FromCivilUtc(2024, 1, 15);
  EXPECT_EQ(ParseIsoTime("2024-01-15", "t"), midnight);
  EXPECT_EQ(ParseIsoTime("2024-01-15T00:00:00Z", "t"), midnight);
  EXPECT_EQ(ParseIsoTime("2024-01-15 00:00:00", "t"), midnight);
  EXPECT_EQ(ParseIsoTime("2024-01-15T00:00", "t"), midnight);
  EXPECT_EQ(ParseIsoTime("2024-01-15T01:00:00+01:00", "t"), midnight);
  EXPECT_EQ(ParseIsoTime("2024-01-14T19:00:00-05:00", "t"), midnight);
  EXPECT_EQ(ParseIsoTime("2024-01-15T00:00:00.5Z", "t"), midnight + 500000);
  EXPECT_EQ(ParseIsoTime(FormatIsoMicros(midnight + 42), "t"), midnight + 42);
  EXPECT_TRUE(IsDateOnly("2024-01-15"));
  EXPECT_FALSE(IsDateOnly("2024-01-15T00:00:00Z"));
}

TEST(Time, RejectsMalformedTimesNamingTheField) {
  for (const char* bad : {"", "2024", "2024-13-01", "2024-02-30", "2024-01-15T25:00:00Z",
                          "2024-01-15T00:00:00X", "yesterday", "2024-01-15T00:00:00.Z"}) {
    try {
      ParseIsoTime(bad, "--start");
      FAIL() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
      EXPECT_NE(e.message().find("--start"), std::string::npos) << e.message();
    }
  }
}

}  // namespace
}  // namespace bx
