#include "source/clickhouse/clickhouse_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "base/error.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

std::string ErrorOf(const std::string& url) {
  try {
    ParseClickHouseUrl(url);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    return e.Describe();
  }
  return "";
}

TEST(ClickHouseConfig, ParsesEveryPart) {
  unsetenv("CLICKHOUSE_PASSWORD");
  const ClickHouseConfig c = ParseClickHouseUrl(
      "clickhouse://exporter:p%40ss@ch.example.com:9123/"
      "analytics?settings.max_threads=4&compress=0");
  EXPECT_EQ(c.base_url, "http://ch.example.com:9123");
  EXPECT_EQ(c.user, "exporter");
  EXPECT_EQ(c.password, "p@ss");
  EXPECT_EQ(c.database, "analytics");
  EXPECT_FALSE(c.compress);
  EXPECT_EQ(c.rows_per_query, 250'000u);
  EXPECT_EQ(ParseClickHouseUrl("clickhouse://h/?rows_per_query=5000").rows_per_query, 5000u);
  ASSERT_EQ(c.settings.size(), 1u);
  EXPECT_EQ(c.settings[0], (std::pair<std::string, std::string>{"max_threads", "4"}));
  EXPECT_EQ(c.Describe().find("p@ss"), std::string::npos);
}

TEST(ClickHouseConfig, DefaultsAndSecure) {
  unsetenv("CLICKHOUSE_PASSWORD");
  const ClickHouseConfig local = ParseClickHouseUrl("clickhouse://127.0.0.1");
  EXPECT_EQ(local.base_url, "http://127.0.0.1:8123");
  EXPECT_EQ(local.user, "default");
  EXPECT_EQ(local.database, "default");
  EXPECT_FALSE(local.compress);  // loopback: compressing costs more than it saves
  const ClickHouseConfig remote = ParseClickHouseUrl("clickhouse://ch.internal/db?secure=1");
  EXPECT_EQ(remote.base_url, "https://ch.internal:8443");
  EXPECT_TRUE(remote.compress);
}

TEST(ClickHouseConfig, PasswordFromFileOrEnvironment) {
  bx::testing::TempDir dir;
  const auto file = dir.path() / "pw";
  std::ofstream(file) << "from-file\n";
  unsetenv("CLICKHOUSE_PASSWORD");
  EXPECT_EQ(ParseClickHouseUrl("clickhouse://u@h/?password_file=" + file.string()).password,
            "from-file");
  setenv("CLICKHOUSE_PASSWORD", "from-env", 1);
  EXPECT_EQ(ParseClickHouseUrl("clickhouse://u@h/").password, "from-env");
  EXPECT_EQ(ParseClickHouseUrl("clickhouse://u:in-url@h/").password, "in-url");
  unsetenv("CLICKHOUSE_PASSWORD");
  EXPECT_NE(ErrorOf("clickhouse://u:x@h/?password_file=" + file.string()).find("not both"),
            std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://u@h/?password_file=/nonexistent/pw").find("cannot read"),
            std::string::npos);
}

TEST(ClickHouseConfig, HostileUrlsAreRefusedByName) {
  EXPECT_NE(ErrorOf("clickhouse://h:0/").find("port"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h:99999/").find("port"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h:12ab/").find("port"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse:///db").find("host"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/db;DROP").find("database"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/d%0Ab").find("control character"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/?bogus=1").find("'bogus'"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/?settings.a%20b=1").find("option"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/?secure=maybe").find("secure"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/?rows_per_query=10").find("rows_per_query"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/?rows_per_query=-5").find("rows_per_query"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/?rows_per_query=1e9").find("rows_per_query"),
            std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/?compress=%zz").find("%-escape"), std::string::npos);
  EXPECT_NE(ErrorOf("clickhouse://h/" + std::string(9000, 'a')).find("8192"), std::string::npos);
  // A secret never shows: not the password of a URL refused for another reason.
  const std::string error = ErrorOf("clickhouse://u:hunter2@h:0/");
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace bx
