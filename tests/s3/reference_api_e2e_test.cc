// Issue 13, "must be shown": an export created as the reference product's API creates one, an
// AwsS3 destination posted to /api/projects/1/batch_exports/ (the shape of the reference's own
// tests: credentials through an integration, here the server's AWS_* environment, and SSE-KMS),
// works end to end against a real S3 server (radosgw, the `rgw` CTest fixture): its backfill's
// runs complete, its logs and runs read back under the team's paths only, and the bucket holds
// every event of the hours, encrypted with the key asked for.

#include <gtest/gtest.h>
#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "rgw_support.h"
#include "serve_process.h"
#include "sink/s3/s3_client.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kStart[] = "2024-01-15T00:00:00Z";
constexpr char kEnd[] = "2024-01-15T03:00:00Z";
constexpr const char* kKey = testing::kRgwKey;
constexpr const char* kSecret = testing::kRgwSecret;
using testing::RgwClient;
using testing::RgwEndpoint;

// Sets environment variables for the child processes started while it lives.
class ScopedEnv {
 public:
  explicit ScopedEnv(std::vector<std::pair<std::string, std::string>> vars) : vars_(vars) {
    for (const auto& [name, value] : vars_) ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : vars_) ::unsetenv(name.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

class ReferenceApiE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(RgwEndpoint().empty())
        << "no S3 server: this test needs radosgw, which ctest starts through the `rgw` fixture "
           "(BX_RGW_DIR=<dir>), or BX_TEST_S3_ENDPOINT";
    store_ = dir_.path() / "events.db";
    const auto gen = e2e::RunBinary({"events", "generate", "--source", store_.string(), "--count",
                                     "3000", "--start", kStart, "--end", kEnd, "--seed", "13"});
    ASSERT_EQ(gen.status, 0) << gen.output;
    // The server's AWS_* environment stands in for the reference's integration: the AwsS3
    // destination reads its credentials there, and its endpoint is the test server.
    ScopedEnv env({{"AWS_ENDPOINT_URL_S3", RgwEndpoint()},
                   {"AWS_ACCESS_KEY_ID", kKey},
                   {"AWS_SECRET_ACCESS_KEY", kSecret}});
    server_ = std::make_unique<e2e::ServeProcess>(
        dir_.path(), std::vector<std::string>{"--data-dir", (dir_.path() / "bx").string(),
                                              "--source", store_.string(), "--workers", "2"});
    ASSERT_TRUE(server_->started()) << server_->Stdout() << server_->Stderr();
    std::string token = e2e::ReadFile(dir_.path() / "bx" / "api-token");
    while (!token.empty() && token.back() == '\n') token.pop_back();
    api_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    api_->set_bearer_token_auth(token);
  }

  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->Terminate(), 0) << server_->Stderr();
    }
  }

  json Call(const std::string& method, const std::string& path, const json& body, int status) {
    httplib::Result r = method == "GET"    ? api_->Get(path)
                        : method == "POST" ? api_->Post(path, body.dump(), "application/json")
                                           : api_->Patch(path, body.dump(), "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << method << " " << path << ": " << r->body;
    EXPECT_EQ(r->body.find(kSecret), std::string::npos) << path << ": " << r->body;
    return r->body.empty() ? json() : json::parse(r->body, nullptr, false);
  }

  std::string Bucket(const std::string& name) {
    testing::FreshBucket(name);
    return name;
  }

  testing::TempDir dir_;
  fs::path store_;
  std::unique_ptr<e2e::ServeProcess> server_;
  std::unique_ptr<httplib::Client> api_;
};

TEST_F(ReferenceApiE2e, AwsS3ExportCreatedThroughTheProjectPathWorksEndToEnd) {
  const std::string bucket = Bucket("bx-reference-api");
  // The reference's test_create_s3_family_batch_export body, with its other AwsS3 fields.
  const json reference_body = {{"name", "my-export"},
                               {"interval", "hour"},
                               {"destination",
                                {{"type", "AwsS3"},
                                 {"config",
                                  {{"bucket_name", bucket},
                                   {"region", "us-east-1"},
                                   {"prefix", "events/"},
                                   {"file_format", "JSONLines"},
                                   {"compression", "gzip"},
                                   {"encryption", "aws:kms"},
                                   {"kms_key_id", "testkey-1"}}},
                                 {"integration", 1}}}};
  const json created = Call("POST", "/api/projects/1/batch_exports/", reference_body, 201);
  ASSERT_TRUE(created.is_object() && created.contains("id")) << created;
  const std::string id = created["id"];
  EXPECT_EQ(created["team_id"], 1);
  EXPECT_EQ(created["destination"]["type"], "AwsS3");
  ASSERT_EQ(created["warnings"].size(), 1u) << created;
  EXPECT_NE(created["warnings"][0].get<std::string>().find("destination.integration"),
            std::string::npos);

  const std::string base = "/api/projects/1/batch_exports/" + id;
  const json backfill =
      Call("POST", base + "/backfills/", {{"start_at", kStart}, {"end_at", kEnd}}, 201);
  ASSERT_TRUE(backfill.is_object() && backfill.contains("id")) << backfill;
  const std::string backfill_id = backfill["id"];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  json state;
  while (std::chrono::steady_clock::now() < deadline) {
    state = Call("GET", base + "/backfills/" + backfill_id + "/", nullptr, 200);
    if (!state.is_object() || state["status"] != "Running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(state["status"], "Completed") << state << "\n" << server_->Stderr();

  uint64_t rows = 0;
  const json runs = Call("GET", base + "/runs/", nullptr, 200);
  for (const json& run : runs["results"]) {
    if (run["backfill_id"] != backfill_id) continue;
    EXPECT_EQ(run["status"], "Completed") << run;
    rows += run["records_completed"].get<uint64_t>();
  }
  EXPECT_EQ(rows, 3000u);
  // The export's logs: every run's lines, newest first.
  const json logs = Call("GET", base + "/logs/", nullptr, 200);
  std::set<std::string> logged_runs;
  for (const json& line : logs["results"]) logged_runs.insert(line["run_id"].get<std::string>());
  EXPECT_EQ(logged_runs.size(), 3u) << logs;
  EXPECT_NE(logs["results"][0]["message"].get<std::string>().find("Exported"), std::string::npos)
      << logs;

  // Scoped to team 1: another team sees nothing of it.
  EXPECT_EQ(Call("GET", "/api/environments/1/batch_exports/", nullptr, 200)["count"], 1);
  EXPECT_EQ(Call("GET", "/api/projects/2/batch_exports/", nullptr, 200)["count"], 0);
  Call("GET", "/api/projects/2/batch_exports/" + id + "/", nullptr, 404);
  Call("GET", "/api/projects/2/batch_exports/" + id + "/runs/", nullptr, 404);

  // The bucket: one object per hour under the prefix, SSE-KMS with the key asked for, and
  // every event of the hours once.
  auto client = RgwClient(bucket);
  const auto keys = client.ListAllKeys("events/");
  ASSERT_EQ(keys.size(), 3u);
  std::multiset<std::string> uuids;
  for (const std::string& key : keys) {
    const auto head = client.HeadObject(key);
    EXPECT_EQ(head.Header("x-amz-server-side-encryption"), "aws:kms") << key;
    EXPECT_EQ(head.Header("x-amz-server-side-encryption-aws-kms-key-id"), "testkey-1") << key;
    const fs::path local = dir_.path() / fs::path(key).filename();
    e2e::WriteFile(local, client.GetObject(key));
    for (const std::string& line : e2e::Lines(e2e::Decompress(local))) {
      uuids.insert(json::parse(line)["uuid"].get<std::string>());
    }
  }
  EXPECT_EQ(uuids, e2e::StoreUuids(store_));
}

// The key id given inline (the reference's older S3 shape) is write-only, as there.
TEST_F(ReferenceApiE2e, InlineAccessKeyIdIsNeverReturned) {
  const json body = {{"name", "inline keys"},
                     {"interval", "hour"},
                     {"paused", true},
                     {"destination",
                      {{"type", "AwsS3"},
                       {"config",
                        {{"bucket_name", "bx-reference-inline"},
                         {"region", "us-east-1"},
                         {"prefix", "events/"},
                         {"aws_access_key_id", "AKIAINLINEKEYID"},
                         {"aws_secret_access_key", kSecret}}}}}};
  const json created = Call("POST", "/api/environments/7/batch_exports/", body, 201);
  const std::string id = created["id"];
  for (const std::string& path :
       {"/api/environments/7/batch_exports/" + id + "/",
        std::string("/api/projects/7/batch_exports/"), "/api/batch_exports/" + id}) {
    auto r = api_->Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->body.find("AKIAINLINEKEYID"), std::string::npos) << r->body;
  }
  const json patched =
      Call("PATCH", "/api/environments/7/batch_exports/" + id + "/", {{"name", "renamed"}}, 200);
  EXPECT_EQ(patched["destination"]["config"]["aws_access_key_id"], json({{"set", true}}));
}

}  // namespace
}  // namespace bx
