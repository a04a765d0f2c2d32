#include "server/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bx {
namespace {

std::string LabelValue(std::string_view v) {
  std::string out;
  AppendLabelValue(v, out);
  return out;
}

TEST(Exposition, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(LabelValue("plain name"), "plain name");
  EXPECT_EQ(LabelValue(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(LabelValue(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(LabelValue("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(LabelValue("\\n"), R"(\\n)");  // a backslash then n is not a newline
  EXPECT_EQ(LabelValue("caf\xC3\xA9 \xE2\x9C\x93"), "caf\xC3\xA9 \xE2\x9C\x93");
}

TEST(Exposition, ControlCharactersAndInvalidUtf8BecomeReplacementCharacters) {
  EXPECT_EQ(LabelValue(std::string("a\x01"
                                   "b\rc\0d\x7F",
                                   8)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD"
            "d\xEF\xBF\xBD");
  EXPECT_EQ(LabelValue("bad \xFF\xC3 end"), "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_EQ(LabelValue("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(Exposition, FamiliesAndSamples) {
  ExpositionWriter w;
  w.Family("x_total", "counter", "Things with a \\ and a\nnewline.");
  w.Sample("x_total", {}, uint64_t{18446744073709551615u});
  w.Sample("x_total", {{"a", "1"}, {"b", "q\""}}, uint64_t{2});
  w.Family("y", "gauge", "A gauge.");
  w.Sample("y", {}, 0.25);
  w.Sample("y", {{"k", "v"}}, 1704074400.0);
  w.Sample("y", {{"k", "nan"}}, std::nan(""));
  w.Sample("y", {{"k", "inf"}}, std::numeric_limits<double>::infinity());
  EXPECT_EQ(w.text(),
            "# HELP x_total Things with a \\\\ and a\\nnewline.\n"
            "# TYPE x_total counter\n"
            "x_total 18446744073709551615\n"
            "x_total{a=\"1\",b=\"q\\\"\"} 2\n"
            "# HELP y A gauge.\n"
            "# TYPE y gauge\n"
            "y 0.25\n"
            "y{k=\"v\"} 1704074400\n"
            "y{k=\"nan\"} NaN\n"
            "y{k=\"inf\"} +Inf\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeUpToInfWithSumAndCount) {
  SecondsHistogram h;
  h.bounds = {0.5, 1, 5};
  h.counts = {2, 0, 3, 1};  // per bucket; the last is above 5 s
  h.sum = 14.5;
  ExpositionWriter w;
  w.Histogram("d_seconds", {{"export_name", "n\"x"}}, h);
  EXPECT_EQ(w.text(),
            "d_seconds_bucket{export_name=\"n\\\"x\",le=\"0.5\"} 2\n"
            "d_seconds_bucket{export_name=\"n\\\"x\",le=\"1\"} 2\n"
            "d_seconds_bucket{export_name=\"n\\\"x\",le=\"5\"} 5\n"
            "d_seconds_bucket{export_name=\"n\\\"x\",le=\"+Inf\"} 6\n"
            "d_seconds_sum{export_name=\"n\\\"x\"} 14.5\n"
            "d_seconds_count{export_name=\"n\\\"x\"} 6\n");
}

TEST(Exposition, AnEmptyHistogramHasZeroBucketsAndCount) {
  SecondsHistogram h;
  h.bounds = {1};
  ExpositionWriter w;
  w.Histogram("d_seconds", {}, h);
  EXPECT_EQ(w.text(),
            "d_seconds_bucket{le=\"1\"} 0\n"
            "d_seconds_bucket{le=\"+Inf\"} 0\n"
            "d_seconds_sum 0\n"
            "d_seconds_count 0\n");
}

}  // namespace
}  // namespace bx
