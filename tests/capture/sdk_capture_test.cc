// Real SDKs against the built `batch-export serve` (one process for the suite, on a free port):
// posthog-node and posthog-js-lite (tests/node/sdk_capture.mjs) through every path and
// compression they can be configured to use, and browser-style requests for the rest
// (tests/node/raw_capture.mjs). Every event sent must be in the store exactly once with its
// name, distinct_id, timestamp and properties as sent; no SDK may report an error.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "serve_process.h"
#include "testing/stored_events.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kNodeDir = fs::path(BX_SOURCE_DIR) / "tests/node";

int64_t IsoToMicros(const std::string& iso) {
  // "2024-03-01T12:00:01.000Z", as the scripts write it.
  std::tm tm{};
  ::strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  const int64_t millis = std::stoi(iso.substr(20, 3));
  return (static_cast<int64_t>(::timegm(&tm)) * 1000 + millis) * 1000;
}

class SdkCaptureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    serve_ = new e2e::ServeProcess(dir_->path(),
                                   {"--data-dir", (dir_->path() / "bx").string(), "--source",
                                    (dir_->path() / "events.db").string(), "--workers", "1"});
  }
  static void TearDownTestSuite() {
    delete serve_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_TRUE(fs::exists(kNodeDir / "node_modules/posthog-node"))
        << "the SDKs are missing: run scripts/test-setup (npm ci --prefix tests/node)";
    ASSERT_TRUE(serve_->started()) << serve_->Stderr();
  }

  // Runs a script of tests/node against the server; returns what it says it sent.
  json RunScript(const std::string& script, const std::string& extra_args) {
    const fs::path out = dir_->path() / (script + ".json");
    const e2e::CommandResult r =
        e2e::RunShell("node " + e2e::ShellQuote((kNodeDir / script).string()) + " --url " +
                      serve_->url() + " --out " + e2e::ShellQuote(out.string()) + " " + extra_args);
    std::cout << r.output;
    EXPECT_EQ(r.status, 0) << r.output;
    return json::parse(e2e::ReadFile(out), nullptr, false);
  }

  // Every event of every run is stored once, as sent; the runs saw no errors.
  void ExpectStoredAsSent(const json& sent, size_t events_per_run) {
    ASSERT_TRUE(sent.is_object() && sent.contains("runs"));
    int64_t duplicates = -1;
    const auto stored = testing::StoredEventsByUuid(dir_->path() / "events.db", &duplicates);
    EXPECT_EQ(duplicates, 0);
    for (const json& run : sent["runs"]) {
      const std::string name = run["name"];
      EXPECT_EQ(run["errors"].size(), 0u) << name << ": " << run["errors"].dump(1);
      if (events_per_run > 0 && name != "node-413") {
        EXPECT_EQ(run["events"].size(), events_per_run) << name;
      }
      size_t missing = 0, differing = 0;
      for (const json& e : run["events"]) {
        const auto it = stored.find(e["uuid"].get<std::string>());
        if (it == stored.end()) {
          ++missing;
          continue;
        }
        const json props = json::parse(it->second.properties);
        bool same = it->second.event == e["event"] && it->second.distinct_id == e["distinct_id"] &&
                    it->second.timestamp == IsoToMicros(e["timestamp"]);
        for (const auto& [key, value] : e["properties"].items()) {
          same = same && props.contains(key) && props[key] == value;
        }
        if (!same && ++differing <= 3) {
          ADD_FAILURE() << name << " " << e["uuid"] << " sent " << e.dump() << "\nstored "
                        << it->second.event << " " << it->second.distinct_id << " "
                        << it->second.timestamp << " " << it->second.properties;
        }
      }
      EXPECT_EQ(missing, 0u) << name;
      EXPECT_EQ(differing, 0u) << name;
      // Nothing stored beyond what was sent (no event twice under another uuid).
      std::map<std::string, int64_t> per_name;
      for (const json& e : run["events"]) ++per_name[e["event"].get<std::string>()];
      for (const auto& [event_name, count] : per_name) {
        EXPECT_EQ(
            testing::CountStoredEvents(dir_->path() / "events.db", "event = '" + event_name + "'"),
            count)
            << name << " " << event_name;
      }
    }
  }

  static testing::TempDir* dir_;
  static e2e::ServeProcess* serve_;
};

testing::TempDir* SdkCaptureTest::dir_ = nullptr;
e2e::ServeProcess* SdkCaptureTest::serve_ = nullptr;

TEST_F(SdkCaptureTest, PosthogNodeAndJsLiteThroughEveryPathAndCompression) {
  const json sent = RunScript("sdk_capture.mjs", "--events 2000 --oversized-batch 10500");
  ExpectStoredAsSent(sent, 2000);
  std::set<std::string> runs;
  for (const json& run : sent["runs"]) {
    runs.insert(run["name"].get<std::string>());
    // The flags calls answered "no flags" (a failed call is an SDK error, counted above, and
    // leaves posthog-js-lite's reload without an answer).
    EXPECT_EQ(run["flags"]["all"], json::object()) << run["name"];
  }
  EXPECT_EQ(runs, (std::set<std::string>{"node-json", "node-form", "lite-gzip", "lite-plain",
                                         "node-413"}));
  // The paths and answers the SDKs got, from the server's request log.
  const std::string log = serve_->Stdout() + serve_->Stderr();
  for (const char* line : {"http POST /batch/ 200", "http POST /e/ 200", "http POST /flags/ 200",
                           "http POST /batch/ 413"}) {
    EXPECT_NE(log.find(line), std::string::npos) << line;
  }
  EXPECT_EQ(log.find(" 404 "), std::string::npos);
  EXPECT_EQ(log.find(" 500 "), std::string::npos);
}

TEST_F(SdkCaptureTest, BrowserStyleRequestsOnEveryPath) {
  const json sent = RunScript("raw_capture.mjs", "--events 200");
  ExpectStoredAsSent(sent, 0);
  ASSERT_EQ(sent["runs"].size(), 1u);
  EXPECT_EQ(sent["runs"][0]["events"].size(), 2000u);
  const std::string log = serve_->Stdout() + serve_->Stderr();
  for (const char* line :
       {"http GET /capture/ 200", "http GET /e/ 200", "http POST /i/v0/e/ 200",
        "http POST /track/ 200", "http POST /capture 200", "http POST /engage/ 200",
        "http POST /decide/ 200", "http OPTIONS /e/ 204", "http POST /e/ 204"}) {
    EXPECT_NE(log.find(line), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace bx
