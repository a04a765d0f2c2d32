#include "server/cors.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bx {
namespace {

TEST(Cors, ListsOfOrigins) {
  const CorsOrigins any = ParseCorsOrigins("*", "--cors-origins");
  EXPECT_TRUE(any.Allows("https://anything.example"));
  EXPECT_FALSE(any.Allows(""));  // no Origin: not a browser's cross-origin request

  const CorsOrigins some =
      ParseCorsOrigins(" https://App.Example.com , http://localhost:3000,", "--cors-origins");
  EXPECT_TRUE(some.Allows("https://app.example.com"));
  EXPECT_TRUE(some.Allows("HTTPS://APP.EXAMPLE.COM"));
  EXPECT_TRUE(some.Allows("http://localhost:3000"));
  EXPECT_FALSE(some.Allows("http://localhost:3001"));
  EXPECT_FALSE(some.Allows("https://app.example.com.evil.test"));
  EXPECT_FALSE(some.Allows("null"));

  EXPECT_TRUE(ParseCorsOrigins("", "--api-cors-origins").empty());
  EXPECT_FALSE(ParseCorsOrigins("", "--api-cors-origins").Allows("https://a.example"));
}

TEST(Cors, AnEntryThatIsNotAnOriginIsRefusedNamingTheFlag) {
  for (const char* bad : {"https://a.example/", "https://a.example/path", "a.example", "://x",
                          "https://", "https://a b", "1http://a.example"}) {
    try {
      ParseCorsOrigins(std::string("https://ok.example,") + bad, "--cors-origins");
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.type(), "InvalidArgument");
      EXPECT_EQ(e.message().rfind("--cors-origins: '", 0), 0u) << e.message();
      EXPECT_NE(e.message().find("scheme://host[:port]"), std::string::npos) << e.message();
    }
  }
}

}  // namespace
}  // namespace bx
