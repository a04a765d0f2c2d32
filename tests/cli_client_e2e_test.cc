// The CLI client's errors as a user meets them: a mistyped command gets a suggestion, a bad
// --url is bad input (not a connection error), a connection error says what happened in full,
// a failed destination check exits 1 from both `check` and `exports check`, a failed
// `backfills create --wait` names the failed runs' errors and how to read their logs, a
// successful one prints totals, and the runs table keeps long errors to one short line.

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "serve_e2e_fixture.h"

namespace bx {
namespace {

using e2e::RunBinary;
using e2e::ServeE2e;
using nlohmann::json;
namespace fs = std::filesystem;

TEST(ClientCliErrors, AMistypedCommandIsNamedWithTheClosestOne) {
  auto r = RunBinary({"exprot"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("error: \"exprot\" is not a command of 'batch-export'; did you mean "
                          "'export'?"),
            std::string::npos)
      << r.output;
  r = RunBinary({"exports", "lsit"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("is not a command of 'batch-export exports'; did you mean 'list'?"),
            std::string::npos)
      << r.output;
  // Nothing close: the commands are listed, no guess.
  r = RunBinary({"zzzzzzzzzz"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.find("did you mean"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Commands: events, export,"), std::string::npos) << r.output;
  // A control character in the typed word is shown escaped.
  r = RunBinary({"exp\x1b[2Jort"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.find('\x1b'), std::string::npos) << r.output;
}

TEST(ClientCliErrors, ABadUrlIsBadInputAndAConnectionErrorIsWhole) {
  for (const char* url : {"notaurl", "ftp://127.0.0.1:8000", "http://", "http://127.0.0.1:99999",
                          "http://127.0.0.1:80a", "http://host name"}) {
    const auto r = RunBinary({"exports", "list", "--url", url, "--token", "t"});
    EXPECT_EQ(r.status, 2) << url << ": " << r.output;
    EXPECT_NE(r.output.find("InvalidArgument: --url: "), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("ConnectionError"), std::string::npos) << r.output;
  }
  // Port 1 on loopback: nothing listens.
  const auto r = RunBinary({"exports", "list", "--url", "http://127.0.0.1:1", "--token", "t"});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("ConnectionError: cannot reach http://127.0.0.1:1 (GET "
                          "/api/batch_exports): could not connect (refused, or no route to the "
                          "host); is 'batch-export serve' running there?"),
            std::string::npos)
      << r.output;
}

class ClientCliServeErrors : public ServeE2e {
 protected:
  // An export whose runs fail: its File path lies under a regular file.
  std::string CreateFailingExport() {
    e2e::WriteFile(dir_.path() / "a-file", "x");
    const json def = {
        {"name", "failing"},
        {"interval", "hour"},
        {"destination",
         {{"type", "File"},
          {"config", {{"path", (dir_.path() / "a-file" / std::string(120, 'd')).string()}}}}}};
    const fs::path file = dir_.path() / "failing.json";
    e2e::WriteFile(file, def.dump());
    return CliJson({"exports", "create", "--file", file.string()})["id"];
  }
};

TEST_F(ClientCliServeErrors, AFailedCheckExitsOneFromBothCheckCommands) {
  e2e::WriteFile(dir_.path() / "a-file", "x");
  const json def = {{"name", "unreachable"},
                    {"interval", "hour"},
                    {"destination",
                     {{"type", "S3Compatible"},
                      {"config",
                       {{"bucket_name", "b"},
                        {"endpoint_url", "http://127.0.0.1:1"},
                        {"aws_access_key_id", "AKIDEXAMPLE"},
                        {"aws_secret_access_key", e2e::kSecret}}}}}};
  const fs::path file = dir_.path() / "unreachable.json";
  e2e::WriteFile(file, def.dump());
  const auto local = RunBinary({"check", "--config", file.string()});
  EXPECT_EQ(local.status, 1) << local.output;
  EXPECT_NE(local.output.find("FAILED"), std::string::npos) << local.output;

  const std::string id = CliJson({"exports", "create", "--file", file.string()})["id"];
  const auto remote = Cli({"exports", "check", id});
  EXPECT_EQ(remote.status, 1) << remote.output;
  EXPECT_NE(remote.output.find("FAILED  destination of export " + id + ": "), std::string::npos)
      << remote.output;
  EXPECT_EQ(remote.output.find(e2e::kSecret), std::string::npos);
  // An unknown export is still an error of its own (exit 1, NotFound), not a failed check.
  const auto missing = Cli({"exports", "check", "00000000-0000-0000-0000-000000000000"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("NotFound: "), std::string::npos) << missing.output;
  EXPECT_EQ(missing.output.find("FAILED"), std::string::npos) << missing.output;
}

TEST_F(ClientCliServeErrors, AFailedBackfillWaitNamesTheErrorsAndTheLogCommand) {
  const std::string id = CreateFailingExport();
  const auto r = Cli({"backfills", "create", id, "--start", "2024-01-01T00:00:00Z", "--end",
                      "2024-01-01T02:00:00Z", "--wait", "--poll", "0.1"});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("Failed: 2/2 runs done"), std::string::npos) << r.output;
  const std::regex failed_run(
      "run ([0-9a-f-]{36}) \\(2024-01-01T0[01]:00:00\\+00:00 .. "
      "2024-01-01T0[12]:00:00\\+00:00\\) failed: [A-Za-z]+: ");
  EXPECT_TRUE(std::regex_search(r.output, failed_run)) << r.output;
  EXPECT_NE(r.output.find("log: batch-export runs logs "), std::string::npos) << r.output;

  // The runs table keeps each (long) error to one line of at most 80 characters.
  const auto table = Cli({"runs", "list", id});
  EXPECT_EQ(table.status, 0) << table.output;
  std::istringstream lines(table.output);
  std::string line;
  int runs = 0;
  while (std::getline(lines, line)) {
    if (line.find("Failed") == std::string::npos) continue;
    ++runs;
    const size_t error_at = line.find("  ", line.find("Failed"));
    ASSERT_NE(error_at, std::string::npos);
    EXPECT_NE(line.find("..."), std::string::npos) << line;
    EXPECT_LT(line.size(), 250u) << line;
  }
  EXPECT_EQ(runs, 2) << table.output;
  const json full = CliJson({"runs", "list", id});
  EXPECT_GT(full[0]["latest_error"].get<std::string>().size(), 120u);  // --json keeps it all
}

TEST_F(ClientCliServeErrors, ASuccessfulBackfillWaitPrintsItsTotals) {
  const std::string id = CliJson({"exports", "create", "--file", WriteExport("ok").string()})["id"];
  const auto r = Cli({"backfills", "create", id, "--start", "2024-01-01T00:00:00Z", "--end",
                      "2024-01-01T03:00:00Z", "--wait", "--poll", "0.1"});
  EXPECT_EQ(r.status, 0) << r.output;
  uint64_t rows = 0;
  for (const json& run : CliJson({"runs", "list", id}))
    rows += run["records_completed"].get<uint64_t>();
  ASSERT_GT(rows, 0u);
  const std::regex totals("Exported ([0-9,]+) rows \\([0-9.]+ [KMG]?i?B\\) in 3 runs");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, totals)) << r.output;
  std::string digits = m[1];
  std::erase(digits, ',');
  EXPECT_EQ(std::stoull(digits), rows);
}

}  // namespace
}  // namespace bx
