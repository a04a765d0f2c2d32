#include "core/record_batch.h"

#include <gtest/gtest.h>

namespace bx {
namespace {

TEST(Column, FilterKeepsEachJsonValuesKnownCleanMark) {
  Column json(ColumnType::kJson);
  json.AppendString("{}", /*known_clean=*/true);
  json.AppendString("[1]", false);
  json.AppendNull();
  json.AppendString("2", true);
  json.Filter({0, 1, 1, 1});
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(json.String(0), "[1]");
  EXPECT_FALSE(json.KnownClean(0));
  EXPECT_TRUE(json.IsNull(1));
  EXPECT_FALSE(json.KnownClean(1));
  EXPECT_EQ(json.String(2), "2");
  EXPECT_TRUE(json.KnownClean(2));
  json.Clear();
  json.AppendString("3");
  EXPECT_FALSE(json.KnownClean(0));
}

TEST(Column, OnlyJsonValuesCanBeKnownClean) {
  Column text(ColumnType::kString);
  text.AppendString("a", /*known_clean=*/true);
  EXPECT_FALSE(text.KnownClean(0));
}

}  // namespace
}  // namespace bx
