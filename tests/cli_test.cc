// The command line: help everywhere, bad input rejected with the field named, exit status 2,
// nothing written.

#include <gtest/gtest.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "e2e_support.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using e2e::RunBinary;

TEST(Cli, HelpOnEveryCommand) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"},
                                               {"export", "--help"},
                                               {"events", "--help"},
                                               {"events", "generate", "--help"},
                                               {"demo", "--help"}}) {
    const auto r = RunBinary(args);
    EXPECT_EQ(r.status, 0) << args[0] << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << r.output;
  }
  const auto r = RunBinary({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("batch-export "), std::string::npos);
}

TEST(Cli, UnknownCommandsAndMissingFlagsExitTwo) {
  EXPECT_EQ(RunBinary({"frobnicate"}).status, 2);
  EXPECT_EQ(RunBinary({"export"}).status, 2);
  EXPECT_EQ(RunBinary({"events", "generate", "--start", "2024-01-15"}).status, 2);
}

class BadConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = dir_.path() / "events.db";
    const auto r = RunBinary({"events", "generate", "--source", store_.string(), "--count", "1000",
                              "--start", "2024-01-15", "--end", "2024-01-16"});
    ASSERT_EQ(r.status, 0) << r.output;
  }

  // Runs an export with `config_text`; returns the result and checks nothing was written.
  e2e::CommandResult Export(const std::string& config_text, const std::string& start = "2024-01-15",
                            const std::string& end = "2024-01-16") {
    const fs::path config = dir_.path() / "export.json";
    e2e::WriteFile(config, config_text);
    auto r = RunBinary({"export", "--source", store_.string(), "--config", config.string(),
                        "--start", start, "--end", end});
    EXPECT_FALSE(fs::exists(out())) << "something was written for: " << config_text;
    return r;
  }

  fs::path out() const { return dir_.path() / "out"; }

  nlohmann::json Valid() const {
    return {{"name", "n"},
            {"interval", "hour"},
            {"destination",
             {{"type", "File"}, {"config", {{"path", out().string()}, {"compression", "gzip"}}}}}};
  }

  testing::TempDir dir_;
  fs::path store_;
};

TEST_F(BadConfig, EachKindOfMistakeNamesTheFieldAndExitsTwo) {
  struct Case {
    std::string pointer;
    nlohmann::json value;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"/interval", "hourly", "interval"},
      {"/name", 42, "name"},
      {"/unexpected", true, "unexpected"},
      {"/timezone", "Europe/Nowhere", "timezone"},
      {"/destination/type", "FTP", "destination.type"},
      {"/destination/config/compression", "zip", "destination.config.compression"},
      {"/destination/config/max_file_size_mb", -5, "destination.config.max_file_size_mb"},
      {"/destination/config/prefix", "a/../../etc", "destination.config.prefix"},
      {"/destination/config/file_format", "XML", "destination.config.file_format"},
      {"/destination/config/path", 7, "destination.config.path"},
  };
  for (const Case& c : cases) {
    nlohmann::json j = Valid();
    j[nlohmann::json::json_pointer(c.pointer)] = c.value;
    const auto r = Export(j.dump());
    EXPECT_EQ(r.status, 2) << c.pointer << ": " << r.output;
    EXPECT_NE(r.output.find(c.field + ":"), std::string::npos) << c.pointer << ": " << r.output;
  }
}

TEST_F(BadConfig, MalformedJsonAndBadRangesExitTwo) {
  auto r = Export("{\"name\": ");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("not valid JSON"), std::string::npos) << r.output;
  r = Export(Valid().dump(), "2024-01-15T10:00:00Z", "2024-01-15T10:30:00Z");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("no whole 'hour' interval"), std::string::npos) << r.output;
  r = Export(Valid().dump(), "2024-01-16", "2024-01-15");
  EXPECT_EQ(r.status, 2);
  r = Export(Valid().dump(), "15/01/2024", "2024-01-16");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--start"), std::string::npos) << r.output;
}

// `--config /dev/zero` once read without limit (1.6 GB after 5 s); a deep config is refused like
// a deep API body.
TEST_F(BadConfig, EndlessOrDeeplyNestedConfigExitsTwo) {
  auto r = RunBinary({"export", "--source", store_.string(), "--config", "/dev/zero", "--start",
                      "2024-01-15", "--end", "2024-01-16"});
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--config: '/dev/zero' is larger than 1024 KiB"), std::string::npos)
      << r.output;
  r = Export(std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("more than 512 levels deep"), std::string::npos) << r.output;
}

// `export --end` in the future exported the still-open interval as Completed.
TEST_F(BadConfig, OpenIntervalsAndEndlessRangesAreRefused) {
  const Micros now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const Micros hour = 3600 * kMicrosPerSecond;
  const std::string start = FormatIso(now / hour * hour - 3 * hour);
  const std::string end = FormatIso(now / hour * hour + 2 * hour);
  auto r = Export(Valid().dump(), start, end);
  EXPECT_EQ(r.status, 2) << r.output;
  // The first interval refused is the one that has not ended a minute ago (the scheduler's
  // delay): in the first minute of an hour, the hour before.
  const Micros first_open = (now - 60 * kMicrosPerSecond) / hour * hour;
  EXPECT_NE(r.output.find("--end: the interval " + FormatIso(first_open) + " .. "),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--allow-open-intervals"), std::string::npos) << r.output;

  r = Export(Valid().dump(), "0001-01-01", "9999-01-01");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("holds more than 1,000,000 'hour' intervals"), std::string::npos)
      << r.output;

  const fs::path config = dir_.path() / "open.json";
  e2e::WriteFile(config, Valid().dump());
  r = RunBinary({"export", "--source", store_.string(), "--config", config.string(), "--start",
                 start, "--end", end, "--allow-open-intervals"});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("5 runs, 0 failed"), std::string::npos) << r.output;
}

TEST_F(BadConfig, AFailedRunExitsOneWithTheErrorType) {
  nlohmann::json j = Valid();
  j["destination"]["config"]["path"] = "/proc/forbidden-dir";
  const fs::path config = dir_.path() / "export.json";
  e2e::WriteFile(config, j.dump());
  const auto r = RunBinary({"export", "--source", store_.string(), "--config", config.string(),
                            "--start", "2024-01-15T00:00:00Z", "--end", "2024-01-15T01:00:00Z"});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("Failed  FileWriteError: "), std::string::npos) << r.output;
}

// A newline in a prefix made a directory with a newline in its name; a NUL failed at run time
// with a raw NUL in the message.
TEST_F(BadConfig, ControlCharactersInAPrefixAreRefusedShownEscaped) {
  for (const std::string& prefix : {std::string("events\n{year}"), std::string("a\0b", 3)}) {
    nlohmann::json j = Valid();
    j["destination"]["config"]["prefix"] = prefix;
    const auto r = Export(j.dump());
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("destination.config.prefix: '"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("' holds the control character U+000"), std::string::npos) << r.output;
    EXPECT_TRUE(r.output.find("'events\\u000A{year}'") != std::string::npos ||
                r.output.find("'a\\u0000b'") != std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find('\0'), std::string::npos) << "a raw NUL in the output";
    EXPECT_EQ(r.output.find("events\n"), std::string::npos) << "a raw newline in the message";
  }
}

// `dest/link -> elsewhere` with prefix `link/x` wrote into elsewhere/x/.
TEST_F(BadConfig, APrefixThroughASymbolicLinkFailsTheRunAndNothingLandsBehindIt) {
  const fs::path elsewhere = dir_.path() / "elsewhere";
  fs::create_directories(out());
  fs::create_directories(elsewhere);
  fs::create_directory_symlink(elsewhere, out() / "link");
  nlohmann::json j = Valid();
  j["destination"]["config"]["prefix"] = "link/x";
  const fs::path config = dir_.path() / "export.json";
  e2e::WriteFile(config, j.dump());
  const auto r = RunBinary({"export", "--source", store_.string(), "--config", config.string(),
                            "--start", "2024-01-15T00:00:00Z", "--end", "2024-01-15T01:00:00Z"});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(
      r.output.find("Failed  FileWriteError: '" + (out() / "link").string() +
                    "' is a symbolic link (to '" + elsewhere.string() + "') where key 'link/x/"),
      std::string::npos)
      << r.output;
  EXPECT_TRUE(fs::is_empty(elsewhere));
}

}  // namespace
}  // namespace bx

namespace bx {
namespace {

TEST(Demo, ExportsADayAndRefusesToWipeAForeignDirectory) {
  testing::TempDir dir;
  const auto out = dir.path() / "demo";
  auto r = e2e::RunBinary({"demo", "--dir", out.string(), "--count", "24000"});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Exported 24,000 rows in 24 gzip JSON lines files"), std::string::npos)
      << r.output;
  // The summary names the folder that holds every exported file.
  EXPECT_NE(r.output.find("to\n  " + (out / "events").string() + "\n"), std::string::npos)
      << r.output;
  size_t gz = 0;
  for (const auto& [key, size] : e2e::ListFiles(out / "events")) gz += key.ends_with(".jsonl.gz");
  EXPECT_EQ(gz, 24u);
  // The store is left closed: no WAL files beside it.
  EXPECT_TRUE(std::filesystem::exists(out / "events.db"));
  EXPECT_FALSE(std::filesystem::exists(out / "events.db-wal"));
  EXPECT_FALSE(std::filesystem::exists(out / "events.db-shm"));
  // Running it again replaces its own output.
  EXPECT_EQ(e2e::RunBinary({"demo", "--dir", out.string(), "--count", "2400"}).status, 0);

  const auto foreign = dir.path() / "precious";
  e2e::WriteFile(foreign / "thesis.txt", "do not delete");
  r = e2e::RunBinary({"demo", "--dir", foreign.string()});
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--dir"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(foreign / "thesis.txt"));
}

}  // namespace
}  // namespace bx
