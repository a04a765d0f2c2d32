#include "core/json_parse.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bx {
namespace {

std::string Nested(int depth, const std::string& open = "[", const std::string& close = "]") {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open;
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

TEST(JsonDepth, CountsArraysAndObjectsButNotBracketsInStrings) {
  EXPECT_TRUE(JsonDepthWithin("{}", 1));
  EXPECT_FALSE(JsonDepthWithin("{\"a\": [1]}", 1));
  EXPECT_TRUE(JsonDepthWithin("{\"a\": [1]}", 2));
  EXPECT_TRUE(JsonDepthWithin(R"(["[[[[", "\"[[[[", "\\"])", 1));
  EXPECT_TRUE(JsonDepthWithin(Nested(kMaxJsonDepth)));
  EXPECT_FALSE(JsonDepthWithin(Nested(kMaxJsonDepth + 1)));
  EXPECT_FALSE(JsonDepthWithin(Nested(100000, "{\"a\":", "}")));
  // Closers never make the count negative, so they cannot pay for later openers.
  EXPECT_FALSE(JsonDepthWithin("]]]]" + Nested(3), 2));
}

TEST(JsonDepth, ParseRefusesDeepTextWithTheLimitInTheMessage) {
  EXPECT_EQ(*ParseUntrustedJson(R"({"a": [1, 2]})", "", "the body"),
            nlohmann::json::parse(R"({"a": [1, 2]})"));
  EXPECT_FALSE(ParseUntrustedJson("{\"a\": ", "", "the body"));
  try {
    ParseUntrustedJson(Nested(100000), "--config", "'x.json'");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(e.message().find("'x.json' nests arrays or objects more than 512 levels deep"),
              std::string::npos)
        << e.message();
  }
}

}  // namespace
}  // namespace bx
