#include "server/auth.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include "base/error.h"
#include "server/api_error.h"
#include "server/api_token.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

TEST(Auth, BearerToken) {
  EXPECT_TRUE(IsAuthorized("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(IsAuthorized("bearer s3cret", "s3cret"));
  EXPECT_FALSE(IsAuthorized("Bearer s3cres", "s3cret"));
  EXPECT_FALSE(IsAuthorized("Bearer s3cret2", "s3cret"));
  EXPECT_FALSE(IsAuthorized("Basic s3cret", "s3cret"));
  EXPECT_FALSE(IsAuthorized("", "s3cret"));
  EXPECT_FALSE(IsAuthorized("Bearer ", ""));  // an empty token never authorizes
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(ApiToken, CreatedOnceWithMode0600ThenReused) {
  testing::TempDir dir;
  const ApiToken first = LoadOrCreateApiToken(dir.path() / "bx");
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.value.size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(ApiTokenPath(dir.path() / "bx").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const ApiToken second = LoadOrCreateApiToken(dir.path() / "bx");
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.value, first.value);

  ::chmod(ApiTokenPath(dir.path() / "bx").c_str(), 0644);
  EXPECT_THROW(LoadOrCreateApiToken(dir.path() / "bx"), Error);
}

TEST(ApiError, StatusAndAttr) {
  HttpError e = ToHttpError(InvalidArgument("destination.config.path", "is required"));
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.attr, "destination.config.path");
  EXPECT_EQ(e.detail, "destination.config.path: is required");
  EXPECT_EQ(ToHttpError(InvalidArgument("", "the body is not JSON: bad")).attr, std::nullopt);
  EXPECT_EQ(ToHttpError(Error(ErrorKind::kNonRetryable, "NotFound", "x")).status, 404);
  EXPECT_EQ(ToHttpError(Error(ErrorKind::kNonRetryable, "Conflict", "x")).status, 409);
  EXPECT_EQ(ToHttpError(PayloadTooLargeError("x")).status, 413);
  EXPECT_EQ(ToHttpError(Error(ErrorKind::kInternal, "InternalError", "x")).status, 500);
}

}  // namespace
}  // namespace bx
