// Several batch-export processes on one PostgreSQL (the `postgres` ctest fixture): every run is
// executed and recorded once, a node killed with -9 loses nothing, a dead leader's scheduling is
// taken over within seconds, and a PostgreSQL restart is ridden out.

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "e2e_support.h"
#include "service/service.h"
#include "source/clickhouse/clickhouse_config.h"
#include "state/postgres/postgres_state_store.h"
#include "testing/clickhouse_tables.h"
#include "testing/pg_test_support.h"
#include "testing/temp_dir.h"

namespace bx::e2e {
namespace {

namespace pgt = pg::testing;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr int kRuns = 300;      // five-minute intervals: 25 hours
constexpr int kEvents = 60000;  // about 200 an interval
constexpr char kStart[] = "2024-01-15T00:00:00Z";
constexpr char kEnd[] = "2024-01-16T01:00:00Z";
constexpr char kSecretKey[] =  // every node must seal and open secrets with the same key
    "0101010101010101010101010101010101010101010101010101010101010101";

SecretBox TestBox() { return SecretBox(SecretBox::ParseKey(kSecretKey)); }

class MultiNode : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("BATCH_EXPORT_SECRET_KEY", kSecretKey, 1);
    url_ = pgt::FreshDatabaseUrl(pgt::ServerUrl());
    store_ = std::make_unique<PostgresStateStore>(url_, TestBox());
    source_ = dir_.path() / "events.db";
    out_ = dir_.path() / "out";
  }

  void GenerateEvents(int count = kEvents) {
    auto r = RunBinary({"events", "generate", "--source", source_.string(), "--count",
                        std::to_string(count), "--start", kStart, "--end", kEnd});
    ASSERT_EQ(r.status, 0) << r.output;
  }

  // Through the service library, as the API would; the nodes' scheduler creates its runs.
  std::string CreateExport(const nlohmann::json& body) {
    ServiceOptions options;
    options.data_dir = dir_.path() / "creator";
    options.source_path = source_;
    options.state_url = url_;
    Service creator(options);  // not started: no threads
    const std::string id = creator.CreateExport(body).id;
    // As if created at start_at and the service had been down since: the leader's scheduler
    // catches up on every interval up to end_at.
    const Micros start = ParseIsoTime(body.at("start_at").get<std::string>(), "start_at");
    EXPECT_TRUE(store_->SetSchedulePosition(id, start, start + 330 * kMicrosPerSecond));
    return id;
  }

  nlohmann::json FileExport(const std::string& name, const std::string& start,
                            const std::string& end) {
    return {{"name", name},
            {"interval", "every 5 minutes"},
            {"start_at", start},
            {"end_at", end},
            {"destination", {{"type", "File"}, {"config", {{"path", out_.string()}}}}}};
  }

  std::unique_ptr<ChildProcess> StartNode(int i) {
    const std::string name = "node" + std::to_string(i);
    std::vector<std::string> args;
    if (i == 2) {
      args = {"worker"};  // the third node runs workers only
    } else {
      args = {"serve", "--listen", "127.0.0.1:0"};
    }
    for (const std::string& a :
         {std::string("--state"), url_, std::string("--data-dir"), (dir_.path() / name).string(),
          std::string("--source"), node_source_.empty() ? source_.string() : node_source_,
          std::string("--workers"), std::string("4"), std::string("--lease-seconds"),
          std::string("2")}) {
      args.push_back(a);
    }
    return std::make_unique<ChildProcess>(dir_.path(), name, args);
  }

  std::vector<StoredRun> Runs(const std::string& export_id) {
    return store_->ListRuns(export_id, std::nullopt, std::nullopt, 10000);
  }

  size_t Completed(const std::string& export_id) {
    size_t done = 0;
    for (const auto& r : Runs(export_id)) done += r.run.status == RunStatus::kCompleted;
    return done;
  }

  // Waits until `n` runs of the export are Completed; false on timeout.
  bool WaitCompleted(const std::string& export_id, size_t n, seconds timeout) {
    const auto deadline = steady_clock::now() + timeout;
    while (steady_clock::now() < deadline) {
      if (Completed(export_id) >= n) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }

  // Every interval has its run Completed and its file; no file twice, no stray file, no row
  // missing or doubled.
  void ExpectEveryIntervalOnce(const std::string& export_id) {
    const auto runs = Runs(export_id);
    ASSERT_EQ(runs.size(), static_cast<size_t>(kRuns));
    std::set<std::pair<Micros, Micros>> intervals;
    std::map<std::string, uint64_t> expected_files;  // file name -> rows
    for (const auto& r : runs) {
      EXPECT_EQ(r.run.status, RunStatus::kCompleted) << r.run.id << " " << r.run.latest_error;
      intervals.insert({r.run.interval.start, r.run.interval.end});
      if (r.run.records_completed > 0) {
        expected_files[FormatIsoName(r.run.interval.start) + "-" +
                       FormatIsoName(r.run.interval.end) + ".jsonl"] = r.run.records_completed;
      }
    }
    EXPECT_EQ(intervals.size(), static_cast<size_t>(kRuns));  // no interval twice or missing
    std::set<std::string> uuids;
    uint64_t rows = 0;
    std::map<std::string, uint64_t> found;
    for (const auto& [rel, size] : ListFiles(out_)) {
      const std::string name = std::filesystem::path(rel).filename().string();
      const auto lines = Lines(ReadFile(out_ / rel));
      found[name] = lines.size();
      for (const auto& line : lines) {
        uuids.insert(e2e::JsonStringField(line, "uuid"));
        ++rows;
      }
    }
    EXPECT_EQ(found, expected_files);  // also: no temporary file left by a killed attempt
    EXPECT_EQ(rows, static_cast<uint64_t>(kEvents));
    EXPECT_EQ(uuids.size(), rows);
  }

  static std::string FormatIsoName(Micros t) { return FormatIso(t); }

  testing::TempDir dir_;
  std::string url_;
  std::unique_ptr<PostgresStateStore> store_;
  std::filesystem::path source_, out_;
  std::string node_source_;  // what the nodes read, when not the store at source_
};

// Nodes with different keys, or none configured, shared a state: each generated its own key
// (a worker into ./bx of wherever it started), and secrets sealed by one failed on the others.
TEST_F(MultiNode, ANodeWithoutTheStatesSecretKeyRefusesToStart) {
  const std::string binary = ShellQuote(BX_BINARY);
  const std::string common = " --state " + ShellQuote(url_) + " --source " +
                             ShellQuote(source_.string()) + " --data-dir " +
                             ShellQuote((dir_.path() / "n").string());
  // No key at all: a start-up error, and nothing written into the current directory.
  auto r = RunShell("cd " + ShellQuote(dir_.path().string()) +
                    " && env -u BATCH_EXPORT_SECRET_KEY timeout 30 " + binary + " worker" + common);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("a shared state needs the same secret key on every node"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "bx"));
  // Another key than the state's (the fixture's store sealed with kSecretKey): refused.
  r = RunShell("BATCH_EXPORT_SECRET_KEY=" + std::string(64, '2') + " timeout 30 " + binary +
               " worker" + common);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("SecretKeyError: this node's secret key is not the key the state's "
                          "secrets were sealed with"),
            std::string::npos)
      << r.output;
  // The right key from a file works the same as the variable.
  const auto key_file = dir_.path() / "secret.key";
  e2e::WriteFile(key_file, std::string(kSecretKey) + "\n");
  std::filesystem::permissions(
      key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ChildProcess worker(dir_.path(), "keyfile",
                      {"worker", "--state", url_, "--source", source_.string(), "--secret-key-file",
                       key_file.string()});
  bool working = false;
  for (int i = 0; i < 200 && !working; ++i) {
    working = worker.Stdout().find("Working (") != std::string::npos;
    if (!working) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(working) << worker.Stdout() << worker.Stderr();
  EXPECT_EQ(worker.Terminate(), 0) << worker.Stderr();
}

TEST_F(MultiNode, ThreeNodesCompleteEveryRunExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(GenerateEvents());
  const std::string id = CreateExport(FileExport("three nodes", kStart, kEnd));
  std::vector<std::unique_ptr<ChildProcess>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(StartNode(i));
  ASSERT_TRUE(WaitCompleted(id, kRuns, seconds(90))) << nodes[0]->Stderr();
  for (const auto& r : Runs(id)) EXPECT_EQ(r.run.attempts, 1u) << r.run.id;  // executed once
  ExpectEveryIntervalOnce(id);
  for (auto& n : nodes) EXPECT_EQ(n->Terminate(), 0);
}

// The same, the nodes reading the events from ClickHouse (the `clickhouse` fixture).
TEST_F(MultiNode, ThreeNodesReadingClickHouseCompleteEveryRunExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(GenerateEvents());
  node_source_ = testing::CreateClickHouseDatabase("bx_multi_node");
  ClickHouseClient clickhouse(ParseClickHouseUrl(node_source_));
  ASSERT_EQ(testing::CopyStoreToClickHouse(source_, clickhouse), static_cast<size_t>(kEvents));
  const std::string id = CreateExport(FileExport("three nodes on clickhouse", kStart, kEnd));
  std::vector<std::unique_ptr<ChildProcess>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(StartNode(i));
  ASSERT_TRUE(WaitCompleted(id, kRuns, seconds(120))) << nodes[0]->Stderr();
  ExpectEveryIntervalOnce(id);
  for (auto& n : nodes) EXPECT_EQ(n->Terminate(), 0);
}

TEST_F(MultiNode, NodeKilledTwiceLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(GenerateEvents());
  const std::string id = CreateExport(FileExport("kill -9", kStart, kEnd));
  std::vector<std::unique_ptr<ChildProcess>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(StartNode(i));
  // Two kills at random moments while the work is under way: once 5-35 % of the runs are done,
  // then once 50-80 % are.
  std::mt19937 random(std::random_device{}());
  for (auto [low, high] : {std::pair{5, 35}, std::pair{50, 80}}) {
    const int percent = std::uniform_int_distribution<int>(low, high)(random);
    ASSERT_TRUE(WaitCompleted(id, kRuns * percent / 100, seconds(60)));
    EXPECT_LT(Completed(id), static_cast<size_t>(kRuns)) << "the kill came too late";
    nodes[1]->Kill();
    nodes[1] = StartNode(1);
  }
  ASSERT_TRUE(WaitCompleted(id, kRuns, seconds(90))) << nodes[0]->Stderr();
  ExpectEveryIntervalOnce(id);
  for (const auto& r : Runs(id)) EXPECT_FALSE(r.lease_owner) << r.run.id;
  for (auto& n : nodes) EXPECT_EQ(n->Terminate(), 0);
}

TEST_F(MultiNode, LeaderKilledAnotherNodeSchedulesWithinTenSeconds) {
  ASSERT_NO_FATAL_FAILURE(GenerateEvents(1000));
  std::vector<std::unique_ptr<ChildProcess>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(StartNode(i));
  const std::string kLeaderLine = "this node is now the scheduler leader";
  int leader = -1;
  for (int i = 0; i < 100 && leader < 0; ++i) {
    for (int n = 0; n < 2; ++n) {
      if (nodes[n]->Stderr().find(kLeaderLine) != std::string::npos) leader = n;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_GE(leader, 0) << "no node became leader";
  EXPECT_EQ(nodes[1 - leader]->Stderr().find(kLeaderLine), std::string::npos);
  EXPECT_EQ(nodes[2]->Stderr().find(kLeaderLine), std::string::npos);  // worker: never

  nodes[leader]->Kill();
  const auto killed_at = steady_clock::now();
  // An export whose one interval is due at once: only a live leader creates its run.
  const std::string id =
      CreateExport(FileExport("after failover", "2024-01-15T00:00:00Z", "2024-01-15T00:05:00Z"));
  while (Runs(id).empty() && steady_clock::now() - killed_at < seconds(15)) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  const auto took = steady_clock::now() - killed_at;
  ASSERT_EQ(Runs(id).size(), 1u);
  EXPECT_LT(took, seconds(10));
  EXPECT_NE(nodes[1 - leader]->Stderr().find(kLeaderLine), std::string::npos);
  EXPECT_TRUE(WaitCompleted(id, 1, seconds(20)));
  std::printf("leader failover: the next interval was scheduled %.2f s after kill -9\n",
              std::chrono::duration<double>(took).count());
  for (int n = 0; n < 3; ++n) {
    if (n != leader) {
      EXPECT_EQ(nodes[n]->Terminate(), 0);
    }
  }
}

TEST_F(MultiNode, PostgresRestartIsRiddenOut) {
  const char* pg_dir = std::getenv("BX_PG_DIR");
  ASSERT_TRUE(pg_dir && *pg_dir) << "needs BX_PG_DIR (the fixture's dir) to restart the server";
  const std::string pgdata = Lines(ReadFile(std::filesystem::path(pg_dir) / "pgdata")).at(0);
  ASSERT_NO_FATAL_FAILURE(GenerateEvents());
  const std::string id = CreateExport(FileExport("restart", kStart, kEnd));
  std::vector<std::unique_ptr<ChildProcess>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(StartNode(i));
  ASSERT_TRUE(WaitCompleted(id, kRuns / 5, seconds(60)));
  EXPECT_LT(Completed(id), static_cast<size_t>(kRuns)) << "the restart came too late";
  auto r = RunShell("runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D " +
                    ShellQuote(pgdata + "/data") + " -l " + ShellQuote(pgdata + "/server.log") +
                    " -m fast -w restart");
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(WaitCompleted(id, kRuns, seconds(90))) << nodes[0]->Stderr();
  for (auto& n : nodes) EXPECT_TRUE(n->Alive());
  ExpectEveryIntervalOnce(id);
  for (auto& n : nodes) EXPECT_EQ(n->Terminate(), 0);
}

}  // namespace
}  // namespace bx::e2e
