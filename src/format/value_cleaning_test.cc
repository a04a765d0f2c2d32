#include "format/value_cleaning.h"

#include <gtest/gtest.h>

#include <string>

namespace bx {
namespace {

using namespace std::string_literals;

std::string CleanText(std::string_view text) {
  std::string out;
  AppendCleanText(text, out);
  return out;
}

TEST(ValueCleaning, TextDropsNulAndReplacesInvalidUtf8) {
  EXPECT_TRUE(IsCleanText(""));
  EXPECT_TRUE(IsCleanText("Zoë 東京 \xf0\x9f\x98\x80 tab\there\nline"));  // control chars stay
  EXPECT_FALSE(IsCleanText("a\0b"s));
  EXPECT_FALSE(IsCleanText("ev\xc3"));
  EXPECT_FALSE(IsCleanText("\xed\xa0\x80"));  // a UTF-16 surrogate encoded as UTF-8
  EXPECT_FALSE(IsCleanText("\xc0\xaf"));      // overlong
  EXPECT_EQ(CleanText("a\0b\0"s), "ab");
  EXPECT_EQ(CleanText("ev\xc3"), "ev\xEF\xBF\xBD");
  EXPECT_EQ(CleanText("\xff\xfe!"), "\xEF\xBF\xBD\xEF\xBF\xBD!");
  EXPECT_EQ(CleanText("Zoë\ttab"), "Zoë\ttab");
}

TEST(ValueCleaning, CleanColumnsAreNotCopied) {
  Column text(ColumnType::kString);
  text.AppendString("a");
  text.AppendNull();
  text.AppendString("Zoë");
  ColumnCleaner cleaner;
  size_t begin = 1, end = 3;
  EXPECT_EQ(&cleaner.Clean(text, begin, end), &text);
  EXPECT_EQ(begin, 1u);
  EXPECT_EQ(end, 3u);

  Column ints(ColumnType::kInt64);
  ints.AppendInt(7);
  begin = 0, end = 1;
  EXPECT_EQ(&cleaner.Clean(ints, begin, end), &ints);
  EXPECT_EQ(cleaner.repaired(), 0u);
}

TEST(ValueCleaning, DirtyRowsAreCleanedInACopyOfTheSlice) {
  Column text(ColumnType::kString);
  for (const std::string& v : {"before"s, "ok"s, "a\0b"s, "ev\xc3"s, "fine"s}) text.AppendString(v);
  text.AppendNull();
  ColumnCleaner cleaner;
  size_t begin = 1, end = 6;
  const Column& got = cleaner.Clean(text, begin, end);
  ASSERT_NE(&got, &text);
  EXPECT_EQ(begin, 0u);
  ASSERT_EQ(end, 5u);
  EXPECT_EQ(got.String(0), "ok");
  EXPECT_EQ(got.String(1), "ab");
  EXPECT_EQ(got.String(2), "ev\xEF\xBF\xBD");
  EXPECT_EQ(got.String(3), "fine");
  EXPECT_TRUE(got.IsNull(4));
  EXPECT_EQ(cleaner.repaired(), 2u);
}

// A JSON column holds what the JSON lines file embeds: the same sanitizer, the same counts.
TEST(ValueCleaning, JsonIsCleanedAsJsonLinesEmbedIt) {
  const std::string values[] = {R"({"ok":1})",        R"({"nul":"a\u0000b"})",
                                "{\"raw\":\"\xff\"}", "{\n \"pretty\": true\n}",
                                "not json",           R"({"big":1e999})"};
  Column json(ColumnType::kJson);
  for (const std::string& v : values) json.AppendString(v);
  ColumnCleaner cleaner;
  size_t begin = 0, end = std::size(values);
  const Column& got = cleaner.Clean(json, begin, end);
  ASSERT_EQ(end, std::size(values));
  JsonSanitizer sanitizer;
  uint64_t repaired = 0;
  for (size_t i = 0; i < std::size(values); ++i) {
    std::string expected;
    if (sanitizer.Append(values[i], expected) != JsonCleanliness::kClean) ++repaired;
    EXPECT_EQ(got.String(i), expected) << i;
  }
  EXPECT_EQ(got.String(1), R"({"nul":"ab"})");
  EXPECT_EQ(got.String(4), R"("not json")");
  EXPECT_EQ(got.String(5), R"({"big":1e999})");  // valid JSON simdjson refuses: unchanged
  EXPECT_EQ(cleaner.repaired(), repaired);
  EXPECT_EQ(repaired, 4u);
}

// What the source vouched for (Column::KnownClean) is not checked, and stays marked in the copy.
TEST(ValueCleaning, JsonKnownCleanIsNotCheckedAgain) {
  Column json(ColumnType::kJson);
  json.AppendString(R"({"nul":"a\u0000b"})", /*known_clean=*/true);
  ColumnCleaner cleaner;
  size_t begin = 0, end = 1;
  EXPECT_EQ(&cleaner.Clean(json, begin, end), &json);

  json.AppendString("not json");
  end = 2;
  const Column& got = cleaner.Clean(json, begin, end);
  ASSERT_NE(&got, &json);
  EXPECT_EQ(got.String(0), R"({"nul":"a\u0000b"})");
  EXPECT_TRUE(got.KnownClean(0));
  EXPECT_EQ(got.String(1), R"("not json")");
  EXPECT_FALSE(got.KnownClean(1));
  EXPECT_EQ(cleaner.repaired(), 1u);
}

}  // namespace
}  // namespace bx
