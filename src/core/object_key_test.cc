#include "core/object_key.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bx {
namespace {

constexpr char kHour[] = "2023-01-01T00:00:00+00:00-2023-01-01T01:00:00+00:00";

Interval Span(const char* start, const char* end) {
  return {ParseIsoTime(start, "start"), ParseIsoTime(end, "end")};
}

struct KeyCase {
  std::string prefix;
  FileFormat format;
  Compression compression;
  bool numbered;
  bool legacy;
  size_t file_number;
  std::string expected;
};

// The reference system's key cases plus every format x compression extension.
TEST(ObjectKey, GoldenTable) {
  using F = FileFormat;
  using C = Compression;
  const std::string h = kHour;
  const std::vector<KeyCase> cases = {
      {"", F::kJsonLines, C::kNone, false, false, 0, h + ".jsonl"},
      {"/", F::kJsonLines, C::kNone, false, false, 0, h + ".jsonl"},
      {"my-fancy-prefix", F::kJsonLines, C::kNone, false, false, 0,
       "my-fancy-prefix/" + h + ".jsonl"},
      {"/my-fancy-prefix", F::kJsonLines, C::kNone, false, false, 0,
       "my-fancy-prefix/" + h + ".jsonl"},
      {"my-fancy-prefix-with-a-forwardslash/", F::kJsonLines, C::kNone, false, false, 0,
       "my-fancy-prefix-with-a-forwardslash/" + h + ".jsonl"},
      {"nested/prefix/", F::kJsonLines, C::kNone, false, false, 0, "nested/prefix/" + h + ".jsonl"},
      {"/nested/prefix/", F::kJsonLines, C::kNone, false, false, 0,
       "nested/prefix/" + h + ".jsonl"},
      {"a//b/", F::kJsonLines, C::kNone, false, false, 0, "a/b/" + h + ".jsonl"},
      {"", F::kJsonLines, C::kGzip, false, false, 0, h + ".jsonl.gz"},
      {"", F::kJsonLines, C::kBrotli, false, false, 0, h + ".jsonl.br"},
      {"", F::kJsonLines, C::kZstd, false, false, 0, h + ".jsonl.zst"},
      {"", F::kJsonLines, C::kLz4, false, false, 0, h + ".jsonl.lz4"},
      {"/nested/prefix/", F::kJsonLines, C::kGzip, false, false, 0,
       "nested/prefix/" + h + ".jsonl.gz"},
      {"", F::kParquet, C::kNone, false, false, 0, h + ".parquet"},
      {"", F::kParquet, C::kSnappy, false, false, 0, h + ".parquet"},
      {"", F::kParquet, C::kZstd, false, false, 0, h + ".parquet"},
      {"/nested/prefix/", F::kParquet, C::kSnappy, false, true, 0,
       "nested/prefix/" + h + ".parquet.sz"},
      {"/nested/prefix/", F::kParquet, C::kGzip, false, true, 0,
       "nested/prefix/" + h + ".parquet.gz"},
      {"", F::kParquet, C::kBrotli, false, true, 0, h + ".parquet.br"},
      {"", F::kParquet, C::kZstd, false, true, 0, h + ".parquet.zst"},
      {"", F::kParquet, C::kLz4, false, true, 0, h + ".parquet.lz4"},
      {"", F::kParquet, C::kNone, false, true, 0, h + ".parquet"},
      {"/", F::kJsonLines, C::kNone, true, false, 0, h + "-0.jsonl"},
      {"/", F::kJsonLines, C::kGzip, true, false, 3, h + "-3.jsonl.gz"},
      {"p", F::kParquet, C::kZstd, true, false, 12, "p/" + h + "-12.parquet"},
      {"invalid-template-variables-{invalid}", F::kJsonLines, C::kNone, false, false, 0,
       "invalid-template-variables-{invalid}/" + h + ".jsonl"},
      {"invalid-format-spec-{data_interval_start:hour}", F::kJsonLines, C::kNone, false, false, 0,
       "invalid-format-spec-{data_interval_start:hour}/" + h + ".jsonl"},
      {"{hour}:{minute}:{second}/{data_interval_start}", F::kJsonLines, C::kNone, false, false, 0,
       "01:00:00/2023-01-01T00:00:00+00:00/" + h + ".jsonl"},
  };
  for (const KeyCase& c : cases) {
    KeyLayout layout{c.prefix, c.format, c.compression, c.numbered, c.legacy};
    IntervalKeys keys(layout, Span("2023-01-01T00:00:00Z", "2023-01-01T01:00:00Z"), "events",
                      nullptr);
    EXPECT_EQ(keys.DataKey(c.file_number), c.expected) << "prefix '" << c.prefix << "'";
  }
}

TEST(ObjectKey, TemplatesTakeTheIntervalEnd) {
  KeyLayout layout{"{year}-{month}-{day}_{table}/"};
  IntervalKeys day(layout, Span("2023-07-27", "2023-07-28"), "events", nullptr);
  EXPECT_EQ(day.DataKey(0),
            "2023-07-28_events/2023-07-27T00:00:00+00:00-2023-07-28T00:00:00+00:00.jsonl");

  KeyLayout dated{"{year}/{month}/{day}/"};
  IntervalKeys hour(dated, Span("2024-01-15T00:00:00Z", "2024-01-15T01:00:00Z"), "events", nullptr);
  EXPECT_EQ(hour.DataKey(0),
            "2024/01/15/2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00.jsonl");
  EXPECT_EQ(hour.ManifestKey(),
            "2024/01/15/2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00_manifest.json");
}

TEST(ObjectKey, UnknownVariablesAndBadBracesAreVerbatimWithAWarning) {
  const Interval i = Span("2024-01-15T00:00:00Z", "2024-01-15T01:00:00Z");
  for (const char* tmpl : {"x-{invalid}", "x-{year", "x-}", "{{year}}", "{}"}) {
    std::vector<std::string> warnings;
    EXPECT_EQ(RenderPrefix(tmpl, i, "events", &warnings), tmpl);
    EXPECT_EQ(warnings.size(), 1u) << tmpl;
  }
  std::vector<std::string> none;
  EXPECT_EQ(RenderPrefix("{year}", i, "events", &none), "2024");
  EXPECT_TRUE(none.empty());
}

TEST(ObjectKey, NeverClimbsOutOfTheDestination) {
  EXPECT_THROW(ValidatePrefixTemplate("../etc", "prefix"), Error);
  EXPECT_THROW(ValidatePrefixTemplate("a/../../b", "prefix"), Error);
  EXPECT_NO_THROW(ValidatePrefixTemplate("a/..b/c..", "prefix"));
  EXPECT_THROW(JoinKey("a", "../b"), Error);
  EXPECT_EQ(JoinKey("./a/./", "b"), "a/b");
}

TEST(ObjectKey, StaticPrefixStartIsWhatEveryRenderingStartsWith) {
  const Interval hour = Span("2024-03-05T06:00:00Z", "2024-03-05T07:00:00Z");
  struct Case {
    std::string tmpl;
    std::string start;
    bool fixed;
  };
  for (const Case& c : std::vector<Case>{{"", "", true},
                                         {"/a//./b/", "a/b", true},
                                         {"{year}", "", false},
                                         {"/{year}", "", false},
                                         {"ab{year}", "ab", false},
                                         {"ab/{year}", "ab/", false},
                                         {"/x/./ab{table}/{day}", "x/ab", false},
                                         {".{year}", ".", false},
                                         {"a/..{year}", "a/..", false},
                                         {"a/{nope}/b", "a/", false},
                                         {"a/}", "a/", false}}) {
    const PrefixStart start = StaticPrefixStart(c.tmpl);
    EXPECT_EQ(start.text, c.start) << c.tmpl;
    EXPECT_EQ(start.fixed, c.fixed) << c.tmpl;
    const std::string rendered = JoinKey(RenderPrefix(c.tmpl, hour, "events", nullptr), "");
    if (c.fixed) {
      EXPECT_EQ(rendered, start.text) << c.tmpl;
    } else {
      EXPECT_EQ(rendered.rfind(start.text, 0), 0u) << c.tmpl << " rendered " << rendered;
    }
  }
}

TEST(ObjectKey, ControlCharactersAreRefusedWithTheFieldAndShownEscaped) {
  try {
    ValidatePrefixTemplate(std::string("a\nb\0", 4), "destination.config.prefix");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "destination.config.prefix: 'a\\u000Ab\\u0000' holds the control character U+000A "
              "at byte 1; control characters (U+0000 to U+001F, U+007F) are not allowed here");
  }
  EXPECT_NO_THROW(ValidatePrefixTemplate("caf\u00e9/{year}", "p"));
}

}  // namespace
}  // namespace bx
