// A run's files become visible only when its whole interval is written. A failed run (a full
// disk with max_file_size_mb) or a killed one (kill -9 of `export`) left complete-looking "-0"
// files and no manifest.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "e2e_support.h"
#include "pipeline/export_run.h"
#include "sink/all/destinations.h"
#include "source/embedded/event_store.h"
#include "testing/scripted_faults.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using e2e::RunBinary;

constexpr char kStart[] = "2024-01-15T00:00:00Z";
constexpr char kEnd[] = "2024-01-15T06:00:00Z";
const std::string kFirst = "2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00";

class StagedPublish : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const auto r = RunBinary({"events", "generate", "--source", store().string(), "--count",
                              "60000", "--start", kStart, "--end", kEnd, "--seed", "5"});
    ASSERT_EQ(r.status, 0) << r.output;
  }
  static void TearDownTestSuite() { delete dir_; }

  static fs::path store() { return dir_->path() / "events.db"; }

  // Hourly JSON lines split at 100 kB: about 25 files an hour, a few per batch of 1,024 rows.
  static nlohmann::json Definition(const fs::path& out) {
    return {
        {"name", "staged"},
        {"interval", "hour"},
        {"destination",
         {{"type", "File"},
          {"config", {{"path", out.string()}, {"prefix", "events"}, {"max_file_size_mb", 0.1}}}}}};
  }

  static e2e::CommandResult Export(const fs::path& out, const char* end = kEnd) {
    const fs::path config = out.string() + ".json";
    e2e::WriteFile(config, Definition(out).dump());
    return RunBinary({"export", "--source", store().string(), "--config", config.string(),
                      "--start", kStart, "--end", end});
  }

  // Every file under `root` (hidden ones and those in hidden directories too) and its bytes.
  static std::map<std::string, std::string> Contents(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const auto& [path, size] : e2e::ListFiles(root)) {
      out[path] = e2e::ReadFile(root / path);
    }
    return out;
  }

  // The paths whose presence or bytes differ (the bytes themselves would flood the output).
  static std::vector<std::string> Differences(const std::map<std::string, std::string>& got,
                                              const std::map<std::string, std::string>& want) {
    std::vector<std::string> out;
    for (const auto& [path, bytes] : got) {
      if (!want.count(path))
        out.push_back("unexpected " + path);
      else if (want.at(path) != bytes)
        out.push_back("other bytes in " + path);
    }
    for (const auto& [path, bytes] : want) {
      if (!got.count(path)) out.push_back("missing " + path);
    }
    return out;
  }

  static testing::TempDir* dir_;
};
testing::TempDir* StagedPublish::dir_ = nullptr;

TEST_F(StagedPublish, ARunFailingMidIntervalLeavesNoFileAndNoManifest) {
  const fs::path out = dir_->path() / "failed";
  const ExportDefinition def = ParseValidExport(Definition(out));
  const Interval hour{ParseIsoTime(kStart, "start"), ParseIsoTime("2024-01-15T01:00:00Z", "end")};
  auto destination = MakeDestination(def);
  // Three batches (3,072 rows), then the disk is full.
  testing::FailingAfterSource source(
      std::make_shared<EmbeddedSource>(store()), 3,
      Error(ErrorKind::kRetryable, "FileWriteError", "cannot write: No space left on device"));
  try {
    ExportInterval(def, hour, source, *destination);
    ADD_FAILURE() << "the run did not fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.Describe(), "FileWriteError: cannot write: No space left on device");
  }
  EXPECT_TRUE(e2e::ListFiles(out).empty()) << e2e::ListFiles(out).begin()->first;

  // Files had been finished when it failed: the whole hour's first files hold fewer rows.
  EmbeddedSource whole(store());
  const RunResult result = ExportInterval(def, hour, whole, *destination);
  ASSERT_GT(result.files.size(), 3u);
  EXPECT_LT(result.files[0].rows + result.files[1].rows, 3072u);
}

// What a killed run left (its staging directory with finished and half-written files, an older
// version's temporary file) and an earlier, longer attempt's files are gone after the next run
// of the interval: the directory holds exactly what one clean run writes.
TEST_F(StagedPublish, ARerunAfterAKillEndsWithExactlyTheFilesOfOneRun) {
  const fs::path clean = dir_->path() / "clean";
  ASSERT_EQ(Export(clean).status, 0);
  const auto expected = Contents(clean);
  ASSERT_GT(expected.size(), 6u * 3);

  const fs::path out = dir_->path() / "rerun";
  const fs::path events = out / "events";
  const fs::path staging = events / (".bx-staging-" + kFirst + "-0badc0de");
  fs::create_directories(staging);
  e2e::WriteFile(staging / (kFirst + "-0.jsonl"), "{\"uuid\": \"from a killed run\"}\n");
  e2e::WriteFile(staging / (kFirst + "-1.jsonl"), "{\"uuid\": \"half");
  e2e::WriteFile(events / ("." + kFirst + "-2.jsonl.tmp-999-1"), "{\"uuid\": \"older version");
  e2e::WriteFile(events / (kFirst + "-90.jsonl"), "{\"uuid\": \"earlier attempt\"}\n");
  e2e::WriteFile(events / (kFirst + "_manifest.json"), "{\"files\": []}\n");
  const auto r = Export(out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Differences(Contents(out), expected), std::vector<std::string>{});
}

// kill -9 of `export` while it writes the second hour: the first hour is in sight with its
// manifest, nothing of the second is (its finished files stay hidden), and the rerun ends as one
// clean run does.
TEST_F(StagedPublish, AKilledExportLeavesNoPartialIntervalInSight) {
  const fs::path clean = dir_->path() / "clean-killed";
  ASSERT_EQ(Export(clean).status, 0);
  const auto expected = Contents(clean);

  const fs::path out = dir_->path() / "killed";
  const fs::path config = out.string() + ".json";
  e2e::WriteFile(config, Definition(out).dump());
  const std::string second = "2024-01-15T01:00:00+00:00-2024-01-15T02:00:00+00:00";
  // Finished files of the second hour, wherever they are (hidden or not), counted while the
  // export renames and removes them.
  auto second_files = [&] {
    size_t n = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(out, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      n += name.rfind(second + "-", 0) == 0 && name.ends_with(".jsonl");
    }
    return n;
  };
  {
    e2e::ChildProcess exporter(dir_->path(), "killed-export",
                               {"export", "--source", store().string(), "--config", config.string(),
                                "--start", kStart, "--end", kEnd});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (second_files() < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(exporter.Alive()) << "the export ended before it was killed";
    exporter.Kill();  // about 100 files of the second hour still to write
  }
  const auto left = Contents(out);
  std::set<std::string> in_manifests;
  for (const auto& [path, bytes] : left) {
    if (path.find("/.") != std::string::npos || !path.ends_with("_manifest.json")) continue;
    const nlohmann::json manifest = nlohmann::json::parse(bytes);
    for (const auto& f : manifest["file_details"]) {
      const std::string key = f["key"];
      ASSERT_TRUE(left.count(key)) << path << " lists " << key << ", which is not there";
      ASSERT_TRUE(expected.count(key)) << key;
      EXPECT_EQ(left.at(key), expected.at(key)) << key;
      in_manifests.insert(key);
    }
  }
  EXPECT_GT(in_manifests.size(), 3u);
  for (const auto& [path, bytes] : left) {
    if (path.find("/.") != std::string::npos || path.ends_with("_manifest.json")) continue;
    EXPECT_TRUE(in_manifests.count(path)) << path << " is in sight without a manifest";
  }

  const auto r = Export(out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Differences(Contents(out), expected), std::vector<std::string>{});
}

}  // namespace
}  // namespace bx
