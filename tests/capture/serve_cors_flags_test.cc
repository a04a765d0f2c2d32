// serve's CORS flags: --cors-origins and --api-cors-origins, their environment variables (a flag
// always wins), and a value that is not an origin refused at start naming the flag.

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>

#include "e2e_support.h"
#include "serve_process.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

int PreflightStatus(const e2e::ServeProcess& serve, const std::string& path,
                    const std::string& origin) {
  httplib::Client client("127.0.0.1", serve.port());
  const auto r =
      client.Options(path, {{"Origin", origin}, {"Access-Control-Request-Method", "POST"}});
  return r ? r->status : -1;
}

std::vector<std::string> ServeArgs(const testing::TempDir& dir) {
  return {"--data-dir", (dir.path() / "bx").string(),
          "--source",   (dir.path() / "events.db").string(),
          "--workers",  "1"};
}

TEST(ServeCorsFlags, AValueThatIsNotAnOriginStopsTheStartNamingTheFlag) {
  testing::TempDir dir;
  for (const std::string flag : {"--cors-origins", "--api-cors-origins"}) {
    // `timeout`: a server that wrongly started would otherwise serve forever.
    std::string command = "timeout 20 " + e2e::ShellQuote(BX_BINARY) + " serve";
    for (const std::string& a : ServeArgs(dir)) command += " " + e2e::ShellQuote(a);
    command += " --listen 127.0.0.1:0 " + flag + " https://app.example/";
    const e2e::CommandResult r = e2e::RunShell(command);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find(flag + ": 'https://app.example/' is not an origin"), std::string::npos)
        << r.output;
  }
}

TEST(ServeCorsFlags, FlagsWinOverTheEnvironment) {
  testing::TempDir dir;
  ::setenv("BATCH_EXPORT_CORS_ORIGINS", "https://env.example", 1);
  ::setenv("BATCH_EXPORT_API_CORS_ORIGINS", "https://admin-env.example", 1);
  {
    std::vector<std::string> args = ServeArgs(dir);
    args.insert(args.end(), {"--cors-origins", "https://flag.example"});
    e2e::ServeProcess serve(dir.path(), args);
    ASSERT_TRUE(serve.started()) << serve.Stderr();
    EXPECT_EQ(PreflightStatus(serve, "/e/", "https://flag.example"), 204);
    EXPECT_EQ(PreflightStatus(serve, "/e/", "https://env.example"), 403);
    // No --api-cors-origins: its variable applies.
    EXPECT_EQ(PreflightStatus(serve, "/api/batch_exports", "https://admin-env.example"), 204);
    EXPECT_EQ(PreflightStatus(serve, "/api/batch_exports", "https://flag.example"), 403);
  }
  {
    e2e::ServeProcess serve(dir.path(), ServeArgs(dir));
    ASSERT_TRUE(serve.started()) << serve.Stderr();
    EXPECT_EQ(PreflightStatus(serve, "/flags/", "https://env.example"), 204);
    EXPECT_EQ(PreflightStatus(serve, "/flags/", "https://flag.example"), 403);
  }
  ::unsetenv("BATCH_EXPORT_CORS_ORIGINS");
  ::unsetenv("BATCH_EXPORT_API_CORS_ORIGINS");
  {
    // The defaults: any page may send events; no page may call the API.
    std::vector<std::string> args = ServeArgs(dir);
    e2e::ServeProcess serve(dir.path(), args);
    ASSERT_TRUE(serve.started()) << serve.Stderr();
    EXPECT_EQ(PreflightStatus(serve, "/i/v0/e/", "https://any.example"), 204);
    EXPECT_EQ(PreflightStatus(serve, "/api/batch_exports", "https://any.example"), 403);
  }
  {
    // An empty flag closes capture to browsers even where the environment opens it.
    ::setenv("BATCH_EXPORT_CORS_ORIGINS", "*", 1);
    std::vector<std::string> args = ServeArgs(dir);
    args.insert(args.end(), {"--cors-origins", ""});
    e2e::ServeProcess serve(dir.path(), args);
    ::unsetenv("BATCH_EXPORT_CORS_ORIGINS");
    ASSERT_TRUE(serve.started()) << serve.Stderr();
    EXPECT_EQ(PreflightStatus(serve, "/e/", "https://any.example"), 403);
  }
}

}  // namespace
}  // namespace bx
