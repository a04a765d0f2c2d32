// `batch-export serve` as a real process: the CLI client round trip, every API
// endpoint over HTTP with the real service, 401 without the token, secrets and
// the token never in a response or the server's log, capture into the store,
// SIGTERM exits 0.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "serve_e2e_fixture.h"
#include "testing/gzip.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using e2e::kSecret;
using e2e::RunBinary;
using e2e::ServeE2e;
using nlohmann::json;

TEST(ClientCli, HelpOnEveryCommandAndBadFlagsExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"serve", "--help"},
                                             {"exports", "--help"},
                                             {"exports", "create", "--help"},
                                             {"exports", "list", "--help"},
                                             {"exports", "show", "--help"},
                                             {"exports", "pause", "--help"},
                                             {"exports", "unpause", "--help"},
                                             {"exports", "check", "--help"},
                                             {"exports", "delete", "--help"},
                                             {"runs", "--help"},
                                             {"runs", "list", "--help"},
                                             {"runs", "retry", "--help"},
                                             {"runs", "logs", "--help"},
                                             {"backfills", "--help"},
                                             {"backfills", "create", "--help"},
                                             {"backfills", "list", "--help"},
                                             {"backfills", "cancel", "--help"}}) {
    const auto r = RunBinary(args);
    EXPECT_EQ(r.status, 0) << args[0] << " " << args[1] << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << r.output;
  }
  EXPECT_NE(RunBinary({"runs", "retry", "--help"}).output.find("--export"), std::string::npos);
  EXPECT_EQ(RunBinary({"backfills", "cancel", "some-id"}).status,
            2);  // --export is required
  EXPECT_EQ(RunBinary({"serve", "--listen", "nonsense"}).status, 2);
}

TEST_F(ServeE2e, TokenPrintedOnceAndStored0600) {
  EXPECT_NE(server_->Stdout().find(token_), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((data_dir() / "api-token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A second start with the same data dir reuses the token and does not print
  // it.
  ASSERT_EQ(server_->Terminate(), 0);
  const fs::path second_logs = dir_.path() / "second";
  fs::create_directories(second_logs);
  e2e::ServeProcess again(second_logs,
                          {"--data-dir", data_dir().string(), "--source", store_.string()});
  ASSERT_TRUE(again.started());
  EXPECT_EQ(again.Stdout().find(token_), std::string::npos) << again.Stdout();
  httplib::Client client("127.0.0.1", again.port());
  client.set_bearer_token_auth(token_);
  EXPECT_EQ(client.Get("/api/batch_exports")->status, 200);
  EXPECT_EQ(again.Terminate(), 0);
  server_.reset();
}

// state.db (bucket names, endpoints, key ids) and its -wal/-shm were 0644, and
// a 0644 secret.key was used silently.
TEST_F(ServeE2e, DataDirIsPrivateAndAnExposedSecretKeyIsRefused) {
  CliJson({"exports", "create", "--file", WriteExport("private").string()});
  const auto mode = [](const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
  };
  EXPECT_EQ(mode(data_dir()), 0700u);
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(data_dir())) {
    EXPECT_EQ(mode(entry.path()) & 077, 0u) << entry.path() << " is readable by others";
    ++files;
  }
  EXPECT_GE(files,
            5u);  // api-token, secret.key, state.db, state.db-wal, state.db-shm
  ASSERT_EQ(server_->Terminate(), 0);
  server_.reset();

  fs::permissions(data_dir() / "secret.key", fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::add);
  const auto r = e2e::RunShell("timeout 30 " + e2e::ShellQuote(BX_BINARY) + " serve --listen " +
                               "127.0.0.1:0 --data-dir " + e2e::ShellQuote(data_dir().string()) +
                               " --source " + e2e::ShellQuote(store_.string()));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("secret.key is readable by others: chmod 600 it"), std::string::npos)
      << r.output;
}

TEST_F(ServeE2e, CliRoundTrip) {
  auto r = Cli({"exports", "create", "--file", WriteExport("hourly-files").string()});
  ASSERT_EQ(r.status, 0) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("Created export ([0-9a-f-]{36})")))
      << r.output;
  const std::string id = m[1];

  r = Cli({"exports", "list"});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(id), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("hourly-files"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("INTERVAL"), std::string::npos) << r.output;

  r = Cli({"exports", "show", id});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("destination.config.compression  gzip"), std::string::npos) << r.output;

  EXPECT_EQ(Cli({"exports", "pause", id}).status, 0);
  EXPECT_EQ(CliJson({"exports", "show", id})["paused"], true);
  r = Cli({"exports", "unpause", id, "--backfill"});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(CliJson({"exports", "show", id})["paused"], false);

  r = Cli({"backfills", "create", id, "--start", "2024-01-01", "--end", "2024-01-01T06:00:00Z",
           "--wait", "--poll", "0.1"});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("6/6  100%"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Completed: 6/6"), std::string::npos) << r.output;

  const json runs = CliJson({"runs", "list", id});
  ASSERT_EQ(runs.size(), 6u) << runs.dump();
  uint64_t rows = 0;
  for (const json& run : runs) {
    EXPECT_EQ(run["status"], "Completed");
    rows += run["records_completed"].get<uint64_t>();
  }
  EXPECT_GT(rows, 0u);
  EXPECT_EQ(e2e::ListFiles(dir_.path() / "out").size(), 6u);

  r = Cli({"runs", "list", id});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("Completed"), std::string::npos) << r.output;
  r = Cli({"runs", "list", id, "--status", "Failed"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("(none)"), std::string::npos) << r.output;
  r = Cli({"runs", "list", id, "--status", "Exploded"});
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("InvalidArgument: status:"), std::string::npos) << r.output;

  const std::string run_id = runs[0]["id"];
  r = Cli({"runs", "logs", run_id});  // the export is found without --export
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Exported"), std::string::npos) << r.output;
  r = Cli({"runs", "retry", run_id, "--export", id});
  EXPECT_EQ(r.status, 0) << r.output;

  r = Cli({"backfills", "list", id});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("Completed"), std::string::npos) << r.output;

  // Errors: <type>: <detail>, exit 1, or 2 for input the API refused.
  r = Cli({"exports", "show", "00000000-0000-0000-0000-000000000000"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("NotFound: "), std::string::npos) << r.output;
  r = Cli({"backfills", "create", id, "--start", "2999-01-01", "--end", "2999-01-02"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("InvalidArgument: start_at"), std::string::npos) << r.output;
  r = RunBinary({"exports", "list", "--url", server_->url()});  // no token
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("Unauthorized: "), std::string::npos) << r.output;

  r = Cli({"exports", "delete", id});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(Cli({"exports", "show", id}).status, 1);
}

TEST_F(ServeE2e, EveryEndpointAuthAndSecrets) {
  httplib::Client anonymous("127.0.0.1", server_->port());
  httplib::Client api("127.0.0.1", server_->port());
  api.set_bearer_token_auth(token_);
  api.set_read_timeout(120, 0);  // the destination check may retry for a while

  const json s3 = {{"name", "to s3"},
                   {"model", "events"},
                   {"interval", "hour"},
                   {"destination",
                    {{"type", "S3Compatible"},
                     {"config",
                      {{"bucket_name", "bucket-a"},
                       {"endpoint_url", "http://127.0.0.1:9"},
                       {"aws_access_key_id", "AKIAEXAMPLE"},
                       {"aws_secret_access_key", kSecret}}}}}};
  auto created = api.Post("/api/batch_exports", s3.dump(), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = json::parse(created->body)["id"];
  const std::string base = "/api/batch_exports/" + id;

  struct Call {
    std::string method, path, body;
    int status;
  };
  auto call = [&](const Call& c) {
    httplib::Result r = c.method == "GET"     ? api.Get(c.path)
                        : c.method == "POST"  ? api.Post(c.path, c.body, "application/json")
                        : c.method == "PATCH" ? api.Patch(c.path, c.body, "application/json")
                                              : api.Delete(c.path);
    EXPECT_TRUE(r) << c.method << " " << c.path;
    if (!r) return json();
    EXPECT_EQ(r->status, c.status) << c.method << " " << c.path << ": " << r->body;
    EXPECT_EQ(r->body.find(kSecret), std::string::npos) << c.path << ": " << r->body;
    EXPECT_EQ(r->body.find(token_), std::string::npos) << c.path;
    // Without the token, every API call is refused.
    auto denied = anonymous.Get(c.path);
    EXPECT_EQ(denied->status, 401) << c.path;
    return r->body.empty() ? json() : json::parse(r->body, nullptr, false);
  };

  json e = call({"GET", base, "", 200});
  EXPECT_EQ(e["destination"]["config"]["aws_secret_access_key"], json({{"set", true}}));
  EXPECT_EQ(call({"GET", "/api/batch_exports", "", 200})["results"].size(), 1u);
  e = call({"PATCH", base, R"({"name": "renamed"})", 200});
  EXPECT_EQ(e["name"], "renamed");
  EXPECT_EQ(e["destination"]["config"]["aws_secret_access_key"], json({{"set", true}}));
  EXPECT_EQ(call({"POST", base + "/pause", "", 200})["paused"], true);
  EXPECT_EQ(call({"POST", base + "/unpause", R"({"backfill": false})", 200})["paused"], false);
  // The check, backfills and runs on a File export: S3 calls to a bucket that
  // is not there would retry for long.
  const json file_export = {
      {"name", "to files"},
      {"interval", "hour"},
      {"destination", {{"type", "File"}, {"config", {{"path", (dir_.path() / "out").string()}}}}}};
  const std::string file_id = call({"POST", "/api/batch_exports", file_export.dump(), 201})["id"];
  const std::string fbase = "/api/batch_exports/" + file_id;
  EXPECT_EQ(call({"POST", fbase + "/check", "", 200})["status"], "ok");
  EXPECT_EQ(call({"POST", base + "/unpause", R"({"backfill": 1})", 400})["attr"], "backfill");

  const json bf =
      call({"POST", fbase + "/backfills",
            R"({"start_at": "2024-01-01T00:00:00Z", "end_at": "2024-01-01T02:00:00Z"})", 201});
  const std::string bf_id = bf["id"];
  EXPECT_EQ(bf["total_runs"], 2);
  call({"GET", fbase + "/backfills", "", 200});
  call({"GET", fbase + "/backfills/" + bf_id, "", 200});
  EXPECT_EQ(call({"POST", fbase + "/backfills", R"({"start_at": "2024-01-02"})", 400})["attr"],
            "end_at");

  json runs;
  for (int i = 0; i < 200; ++i) {  // wait until the runs exist
    runs = call({"GET", fbase + "/runs", "", 200})["results"];
    if (runs.size() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(runs.size(), 2u);
  const std::string run_id = runs[0]["id"];
  call({"GET", fbase + "/runs?status=Completed&limit=5", "", 200});
  call({"GET", fbase + "/runs/" + run_id, "", 200});
  call({"GET", fbase + "/runs/" + run_id + "/logs", "", 200});
  call({"POST", fbase + "/backfills/" + bf_id + "/cancel", "", 200});
  // Wait for the run to finish (cancelled or failed), then retry it.
  for (int i = 0; i < 200; ++i) {
    const std::string status = call({"GET", fbase + "/runs/" + run_id, "", 200})["status"];
    if (status != "Starting" && status != "Running" && status != "FailedRetryable") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  call({"POST", fbase + "/runs/" + run_id + "/retry", "", 200});
  call({"GET", fbase + "/runs/00000000-0000-0000-0000-000000000000", "", 404});

  json bad = s3;
  bad["interval"] = "fortnightly";
  EXPECT_EQ(call({"POST", "/api/batch_exports", bad.dump(), 400})["attr"], "interval");
  call({"DELETE", base, "", 204});
  call({"GET", base, "", 404});
  call({"DELETE", fbase, "", 204});

  EXPECT_EQ(anonymous.Get("/healthz")->status, 200);
  const auto metrics = anonymous.Get("/metrics");
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("batch_export_stored_runs{status="), std::string::npos);
  // Both exports are deleted: their series are gone (tests/metrics_e2e_test.cc has them).
  EXPECT_NE(metrics->body.find("# TYPE batch_export_run_duration_seconds histogram"),
            std::string::npos);
  EXPECT_EQ(metrics->body.find("batch_export_run_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics->body.find("batch_export_scheduler_lag_seconds"), std::string::npos);
}

TEST_F(ServeE2e, CaptureWritesTheStore) {
  httplib::Client client("127.0.0.1",
                         server_->port());  // capture needs no token
  json batch = json::array();
  for (int i = 0; i < 100; ++i) {
    batch.push_back({{"event", i % 10 == 0 ? json(nullptr) : json("signup")},
                     {"distinct_id", "captured-" + std::to_string(i)},
                     {"properties", {{"i", i}}}});
  }
  const auto r = client.Post("/batch", json{{"batch", batch}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json body = json::parse(r->body);
  EXPECT_EQ(body["accepted"], 90);
  EXPECT_EQ(body["rejected"].size(), 10u);
  const auto count = e2e::RunShell("sqlite3 " + e2e::ShellQuote(store_.string()) +
                                   " \"SELECT count(*) FROM events WHERE distinct_id LIKE "
                                   "'captured-%'\"");
  EXPECT_EQ(count.output, "90\n");
}

// With BATCH_EXPORT_URL / BATCH_EXPORT_TOKEN set, --url / --token were ignored:
// a command could go to another server than the one named.
TEST_F(ServeE2e, FlagsWinOverTheEnvironment) {
  CliJson({"exports", "create", "--file", WriteExport("flags").string()});
  const std::string binary = e2e::ShellQuote(BX_BINARY);
  // The environment names a server that is not there and a wrong token; the
  // flags the real ones.
  auto r =
      e2e::RunShell("BATCH_EXPORT_URL=http://127.0.0.1:1 BATCH_EXPORT_TOKEN=wrong-token " + binary +
                    " exports list --json --url " + server_->url() + " --token " + token_);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("\"flags\""), std::string::npos) << r.output;
  // Without the flags, the environment is used.
  r = e2e::RunShell("BATCH_EXPORT_URL=" + server_->url() + " BATCH_EXPORT_TOKEN=" + token_ + " " +
                    binary + " exports list --json");
  EXPECT_EQ(r.status, 0) << r.output;
  r = e2e::RunShell("BATCH_EXPORT_URL=" + server_->url() + " BATCH_EXPORT_TOKEN=wrong-token " +
                    binary + " exports list --json");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("Unauthorized"), std::string::npos) << r.output;
}

// At --log-level info no line said a run started, completed or failed.
TEST_F(ServeE2e, EveryRunTransitionIsLoggedWithTheExportsNameAndId) {
  const json ok = CliJson({"exports", "create", "--file", WriteExport("logged-ok").string()});
  auto r = Cli({"backfills", "create", ok["id"], "--start", "2024-01-01T00:00:00Z", "--end",
                "2024-01-01T02:00:00Z", "--wait"});
  EXPECT_EQ(r.status, 0) << r.output;
  json broken_def = json::parse(e2e::ReadFile(WriteExport("logged-broken")));
  broken_def["destination"]["config"]["path"] = "/proc/no-such-dir/out";
  const fs::path broken_file = dir_.path() / "broken.json";
  e2e::WriteFile(broken_file, broken_def.dump());
  const json broken = CliJson({"exports", "create", "--file", broken_file.string()});
  Cli({"backfills", "create", broken["id"], "--start", "2024-01-01T00:00:00Z", "--end",
       "2024-01-01T01:00:00Z"});
  // The path cannot be created (retryable: an operator may fix it); the first
  // attempt fails.
  const std::string broken_who =
      "of export 'logged-broken' (" + broken["id"].get<std::string>() + ")";
  const std::string broken_line = broken_who + " attempt 1 failed: 2024-01-01T00:00:00";
  for (int i = 0; i < 300 && server_->Stderr().find(broken_line) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  const std::string log = server_->Stderr();
  const std::string ok_who = "of export 'logged-ok' (" + ok["id"].get<std::string>() + ")";
  EXPECT_NE(log.find(ok_who + " started: 2024-01-01T00:00:00"), std::string::npos) << log;
  EXPECT_NE(log.find(ok_who + " started: 2024-01-01T01:00:00"), std::string::npos) << log;
  const size_t completed = log.find(ok_who + " completed: 2024-01-01T00:00:00");
  ASSERT_NE(completed, std::string::npos) << log;
  const std::string line = log.substr(completed, log.find('\n', completed) - completed);
  EXPECT_NE(line.find(" rows, "), std::string::npos) << line;
  EXPECT_NE(line.find((dir_.path() / "out").string()), std::string::npos) << line;
  const size_t failed = log.find(broken_line);
  ASSERT_NE(failed, std::string::npos) << log;
  const std::string failed_line = log.substr(failed, log.find('\n', failed) - failed);
  EXPECT_NE(failed_line.find("FileWriteError: "), std::string::npos) << failed_line;
  EXPECT_NE(failed_line.find("; retry scheduled in 1 s"), std::string::npos) << failed_line;
  EXPECT_EQ(log.find(broken_who + " completed"), std::string::npos) << log;
}

// 12 checks against an unreachable endpoint took 17-20 s each and made a list
// call take 18 s.
TEST_F(ServeE2e, ChecksOfAnUnreachableEndpointEndInTimeAndNeverBlockTheApi) {
  // A port that accepts connections (the kernel's backlog) and never answers.
  const int blackhole = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(blackhole, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(blackhole, 128), 0);
  socklen_t len = sizeof addr;
  ::getsockname(blackhole, reinterpret_cast<sockaddr*>(&addr), &len);
  const json def = {
      {"name", "unreachable"},
      {"interval", "hour"},
      {"destination",
       {{"type", "S3Compatible"},
        {"config",
         {{"bucket_name", "b"},
          {"endpoint_url", "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))},
          {"aws_access_key_id", "AKIDEXAMPLE"},
          {"aws_secret_access_key", kSecret}}}}}};
  const fs::path file = dir_.path() / "unreachable.json";
  e2e::WriteFile(file, def.dump());
  const std::string id = CliJson({"exports", "create", "--file", file.string()})["id"];

  const httplib::Headers auth = {{"Authorization", "Bearer " + token_}};
  std::vector<int> statuses(12, 0);
  std::vector<std::thread> checks;
  const auto started = std::chrono::steady_clock::now();
  for (size_t i = 0; i < statuses.size(); ++i) {
    checks.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", server_->port());
      client.set_read_timeout(30, 0);
      const auto r = client.Post("/api/batch_exports/" + id + "/check", auth, "", "text/plain");
      statuses[i] = r ? r->status : -1;
    });
  }
  httplib::Client lister("127.0.0.1", server_->port());
  std::chrono::steady_clock::duration slowest{};
  for (int i = 0; i < 40; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = lister.Get("/api/batch_exports", auth);
    slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& t : checks) t.join();
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(blackhole);
  EXPECT_LT(slowest, std::chrono::seconds(1));  // it took 18 s; 1 s leaves room for a busy CI
  EXPECT_LT(took, std::chrono::seconds(9));
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 422), 4)
      << ::testing::PrintToString(statuses);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 429), 8)
      << ::testing::PrintToString(statuses);
}

// A second `serve` on the same port once started as well and took half the
// connections.
TEST_F(ServeE2e, ASecondServerOnTheSamePortExitsWithAClearError) {
  const std::string address = "127.0.0.1:" + std::to_string(server_->port());
  std::string command = "timeout 30 " + e2e::ShellQuote(BX_BINARY);
  for (const std::string& a :
       {std::string("serve"), std::string("--listen"), address, std::string("--data-dir"),
        (dir_.path() / "second").string(), std::string("--source"), store_.string()}) {
    command += " " + e2e::ShellQuote(a);
  }
  const auto r = e2e::RunShell(command);
  EXPECT_EQ(r.status, 1) << r.output;  // 124 would be timeout's: it kept serving
  EXPECT_NE(r.output.find("error: ListenError: cannot listen on " + address), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("Listening on"), std::string::npos) << r.output;
  // The first server still answers every request with its own token.
  httplib::Client client("127.0.0.1", server_->port());
  for (int i = 0; i < 20; ++i) {
    const auto list = client.Get("/api/batch_exports", {{"Authorization", "Bearer " + token_}});
    ASSERT_TRUE(list);
    EXPECT_EQ(list->status, 200);
  }
  CliJson({"exports", "create", "--file", WriteExport("after").string()});  // TearDown wants a POST
}

// JSON nested 100,000 levels deep once overflowed the stack and killed the
// whole service, from the unauthenticated capture path (a 961-byte gzip body)
// and from PATCH.
TEST_F(ServeE2e, DeeplyNestedBodiesAreRefusedAndTheServiceLives) {
  const auto nested = [](const std::string& open, const std::string& close) {
    std::string s;
    for (int i = 0; i < 100000; ++i) s += open;
    for (int i = 0; i < 100000; ++i) s += close;
    return s;
  };
  const std::vector<std::string> bodies = {
      R"({"event": "x", "distinct_id": "d", "properties": {"p": )" + nested("[", "]") + "}}",
      R"({"event": "x", "distinct_id": "d", "unknown": )" + nested("{\"a\":", "}") + "}",
      "[" + nested("[", "]") + "]"};
  httplib::Client client("127.0.0.1", server_->port());
  for (const std::string& body : bodies) {
    const std::string gzipped = testing::Gzip(body);
    EXPECT_LT(gzipped.size(), 2000u);
    const auto r =
        client.Post("/capture", {{"Content-Encoding", "gzip"}}, gzipped, "application/json");
    ASSERT_TRUE(r) << "the server died on a deep capture body";
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_NE(r->body.find("more than 512 levels deep"), std::string::npos) << r->body;
  }

  const json created = CliJson({"exports", "create", "--file", WriteExport("deep").string()});
  const std::string path = "/api/batch_exports/" + created["id"].get<std::string>();
  const httplib::Headers auth = {{"Authorization", "Bearer " + token_}};
  const std::string deep = R"({"name": )" + nested("[", "]") + "}";
  for (const char* method : {"PATCH", "POST"}) {
    const auto r = std::string(method) == "PATCH"
                       ? client.Patch(path, auth, deep, "application/json")
                       : client.Post("/api/batch_exports", auth, deep, "application/json");
    ASSERT_TRUE(r) << "the server died on a deep " << method << " body";
    EXPECT_EQ(r->status, 400) << method << ": " << r->body;
    EXPECT_NE(r->body.find("more than 512 levels deep"), std::string::npos) << r->body;
  }
  // Still serving, and the export is unchanged.
  const auto shown = client.Get(path, auth);
  ASSERT_TRUE(shown);
  EXPECT_EQ(json::parse(shown->body)["name"], "deep");
}

// A prefix with a newline or NUL is a 400 naming the field, the character shown
// escaped.
TEST_F(ServeE2e, ControlCharactersInAPrefixAreA400NamingTheField) {
  httplib::Client client("127.0.0.1", server_->port());
  const httplib::Headers auth = {{"Authorization", "Bearer " + token_}};
  json def = json::parse(e2e::ReadFile(WriteExport("control")));
  for (const std::string& prefix : {std::string("events\n{year}"), std::string("a\0b", 3)}) {
    def["destination"]["config"]["prefix"] = prefix;
    const auto r = client.Post("/api/batch_exports", auth, def.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    const json body = json::parse(r->body);
    EXPECT_EQ(body["type"], "InvalidArgument") << body;
    EXPECT_EQ(body["attr"], "destination.config.prefix") << body;
    const std::string detail = body["detail"];
    EXPECT_NE(detail.find("holds the control character U+000"), std::string::npos) << detail;
    for (const char c : detail) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << detail;
  }
}

// A second export writing the place of another (a team's, a Parquet one) is a
// 409 naming the other; its own prefix is accepted, and a PATCH moving it back
// is a 409 again.
TEST_F(ServeE2e, ASecondExportWritingTheSamePlaceIsA409NamingTheFirst) {
  httplib::Client client("127.0.0.1", server_->port());
  const httplib::Headers auth = {{"Authorization", "Bearer " + token_}};
  auto post = [&](const json& body) {
    const auto r = client.Post("/api/batch_exports", auth, body.dump(), "application/json");
    EXPECT_TRUE(r);
    return r ? std::make_pair(r->status, json::parse(r->body)) : std::make_pair(0, json());
  };
  json def = json::parse(e2e::ReadFile(WriteExport("all teams")));
  def["destination"]["config"]["prefix"] = "events/{year}";
  const auto [created, first] = post(def);
  ASSERT_EQ(created, 201) << first;
  const std::string first_id = first["id"];
  json team = def;
  team["name"] = "team 2";
  team["team_id"] = 2;
  json parquet = def;
  parquet["name"] = "as parquet";
  parquet["destination"]["config"]["file_format"] = "Parquet";
  parquet["destination"]["config"]["compression"] = "zstd";
  for (const json& second : {team, parquet}) {
    const auto [status, body] = post(second);
    EXPECT_EQ(status, 409) << body;
    EXPECT_EQ(body["type"], "Conflict") << body;
    EXPECT_EQ(body["attr"], "destination") << body;
    EXPECT_NE(body["detail"].get<std::string>().find("export 'all teams' (" + first_id +
                                                     ") already writes to "),
              std::string::npos)
        << body;
  }
  parquet["destination"]["config"]["prefix"] = "parquet/{year}";
  const auto [accepted, other] = post(parquet);
  ASSERT_EQ(accepted, 201) << other;
  const auto moved = client.Patch("/api/batch_exports/" + other["id"].get<std::string>(), auth,
                                  R"({"destination": {"config": {"prefix": "events/{year}"}}})",
                                  "application/json");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, 409) << moved->body;
}

}  // namespace
}  // namespace bx
