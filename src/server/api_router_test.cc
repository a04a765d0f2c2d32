// The router against a fake service: every endpoint's method, status and JSON; errors as
// {"type", "detail", "attr"} with the field named.

#include "server/api_router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/fake_batch_export_service.h"

namespace bx {
namespace {

using nlohmann::json;

const json kExport = {
    {"name", "hourly"},
    {"interval", "hour"},
    {"destination",
     {{"type", "File"}, {"config", {{"path", "/tmp/out"}, {"compression", "gzip"}}}}}};

class ApiRouterTest : public ::testing::Test {
 protected:
  ApiResponse Call(const std::string& method, const std::string& path, const std::string& body = "",
                   std::map<std::string, std::string> query = {}) {
    ApiRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.query = std::move(query);
    r.base_url = "http://api.test";
    return router_.Handle(r);
  }

  json CallJson(const std::string& method, const std::string& path, int want_status,
                const std::string& body = "", std::map<std::string, std::string> query = {}) {
    const ApiResponse r = Call(method, path, body, std::move(query));
    EXPECT_EQ(r.status, want_status) << method << " " << path << ": " << r.body;
    return r.body.empty() ? json() : json::parse(r.body);
  }

  std::string CreateExport() {
    return CallJson("POST", "/api/batch_exports", 201, kExport.dump())["id"];
  }

  RunRecord Run(const std::string& id, const std::string& export_id, RunStatus status) {
    RunRecord r;
    r.id = id;
    r.export_id = export_id;
    r.status = status;
    r.interval = {0, 3600 * kMicrosPerSecond};
    return service_.AddRun(r);
  }

  testing::FakeBatchExportService service_;
  ApiRouter router_{service_};
};

TEST_F(ApiRouterTest, ExportsCrud) {
  const json created = CallJson("POST", "/api/batch_exports", 201, kExport.dump());
  const std::string id = created["id"];
  EXPECT_EQ(created["name"], "hourly");
  EXPECT_EQ(created["destination"]["type"], "File");
  EXPECT_EQ(created["paused"], false);

  EXPECT_EQ(CallJson("GET", "/api/batch_exports/" + id, 200)["interval"], "hour");
  // Trailing slashes as the reference API writes its paths.
  EXPECT_EQ(CallJson("GET", "/api/batch_exports/" + id + "/", 200)["id"], id);

  const json list = CallJson("GET", "/api/batch_exports", 200);
  ASSERT_EQ(list["results"].size(), 1u);
  EXPECT_EQ(list["results"][0]["id"], id);
  EXPECT_TRUE(list["next"].is_null());

  const json patched = CallJson("PATCH", "/api/batch_exports/" + id, 200, R"({"name": "renamed"})");
  EXPECT_EQ(patched["name"], "renamed");
  EXPECT_EQ(patched["interval"], "hour");

  const ApiResponse deleted = Call("DELETE", "/api/batch_exports/" + id);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  const json gone = CallJson("GET", "/api/batch_exports/" + id, 404);
  EXPECT_EQ(gone["type"], "NotFound");
  EXPECT_TRUE(gone["attr"].is_null());
}

TEST_F(ApiRouterTest, PauseUnpauseCheck) {
  const std::string id = CreateExport();
  EXPECT_EQ(CallJson("POST", "/api/batch_exports/" + id + "/pause", 200)["paused"], true);
  EXPECT_EQ(CallJson("POST", "/api/batch_exports/" + id + "/unpause", 200,
                     R"({"backfill": true})")["paused"],
            false);
  CallJson("POST", "/api/batch_exports/" + id + "/unpause", 200);
  const auto calls = service_.calls();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "UnpauseExport(backfill)"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "UnpauseExport"), calls.end());

  const json bad =
      CallJson("POST", "/api/batch_exports/" + id + "/unpause", 400, R"({"backfill": "yes"})");
  EXPECT_EQ(bad["attr"], "backfill");

  EXPECT_EQ(CallJson("POST", "/api/batch_exports/" + id + "/check", 200)["status"], "ok");
  service_.FailCheckWith(
      Error(ErrorKind::kNonRetryable, "NoSuchBucket", "bucket 'b' does not exist"));
  const json failed = CallJson("POST", "/api/batch_exports/" + id + "/check", 422);
  EXPECT_EQ(failed["type"], "NoSuchBucket");
  EXPECT_EQ(failed["detail"], "bucket 'b' does not exist");
}

TEST_F(ApiRouterTest, ValidationErrorsNameTheField) {
  json bad = kExport;
  bad["destination"]["config"]["compression"] = "rar";
  json e = CallJson("POST", "/api/batch_exports", 400, bad.dump());
  EXPECT_EQ(e["type"], "InvalidArgument");
  EXPECT_EQ(e["attr"], "destination.config.compression");
  EXPECT_NE(e["detail"].get<std::string>().find("rar"), std::string::npos);

  bad = kExport;
  bad.erase("interval");
  EXPECT_EQ(CallJson("POST", "/api/batch_exports", 400, bad.dump())["attr"], "interval");

  e = CallJson("POST", "/api/batch_exports", 400, "{not json");
  EXPECT_EQ(e["type"], "InvalidArgument");
  EXPECT_TRUE(e["attr"].is_null());
  CallJson("POST", "/api/batch_exports", 400, "[1, 2]");
  CallJson("POST", "/api/batch_exports", 400, "");

  EXPECT_EQ(CallJson("GET", "/api/batch_exports", 400, "", {{"limit", "0"}})["attr"], "limit");
  EXPECT_EQ(CallJson("GET", "/api/batch_exports", 400, "", {{"limit", "ten"}})["attr"], "limit");
}

TEST_F(ApiRouterTest, ListsArePaginatedWithNextLinks) {
  for (int i = 0; i < 5; ++i) CreateExport();
  json page = CallJson("GET", "/api/batch_exports", 200, "", {{"limit", "2"}});
  ASSERT_EQ(page["results"].size(), 2u);
  ASSERT_TRUE(page["next"].is_string());
  const std::string next = page["next"];
  EXPECT_EQ(next, "http://api.test/api/batch_exports?limit=2&cursor=2");
  std::set<std::string> seen;
  for (const json& r : page["results"]) seen.insert(r["id"].get<std::string>());
  while (page["next"].is_string()) {
    const std::string url = page["next"];
    const std::string cursor = url.substr(url.find("cursor=") + 7);
    page = CallJson("GET", "/api/batch_exports", 200, "", {{"limit", "2"}, {"cursor", cursor}});
    for (const json& r : page["results"]) seen.insert(r["id"].get<std::string>());
  }
  EXPECT_EQ(seen.size(), 5u);
}

TEST_F(ApiRouterTest, Runs) {
  const std::string id = CreateExport();
  Run("run-1", id, RunStatus::kCompleted);
  Run("run-2", id, RunStatus::kFailed);
  Run("run-3", id, RunStatus::kRunning);
  service_.AddLog("run-2", {1, "error", "Failed: NoSuchBucket: gone"});

  const std::string base = "/api/batch_exports/" + id + "/runs";
  EXPECT_EQ(CallJson("GET", base, 200)["results"].size(), 3u);
  const json failed = CallJson("GET", base, 200, "", {{"status", "Failed"}});
  ASSERT_EQ(failed["results"].size(), 1u);
  EXPECT_EQ(failed["results"][0]["id"], "run-2");
  EXPECT_EQ(failed["results"][0]["status"], "Failed");
  EXPECT_EQ(CallJson("GET", base, 400, "", {{"status", "Broken"}})["attr"], "status");

  EXPECT_EQ(CallJson("GET", base + "/run-1", 200)["status"], "Completed");
  EXPECT_EQ(CallJson("GET", base + "/nope", 404)["type"], "NotFound");
  EXPECT_EQ(CallJson("POST", base + "/run-2/retry", 200)["status"], "Starting");
  EXPECT_EQ(CallJson("POST", base + "/run-3/retry", 409)["type"], "Conflict");

  const json logs = CallJson("GET", base + "/run-2/logs", 200);
  ASSERT_EQ(logs["results"].size(), 1u);
  EXPECT_EQ(logs["results"][0]["message"], "Failed: NoSuchBucket: gone");
}

TEST_F(ApiRouterTest, Backfills) {
  const std::string id = CreateExport();
  const std::string base = "/api/batch_exports/" + id + "/backfills";
  const json created =
      CallJson("POST", base, 201, R"({"start_at": "2024-01-01", "end_at": "2024-01-02"})");
  const std::string bf = created["id"];
  EXPECT_EQ(created["status"], "Running");
  EXPECT_EQ(CallJson("POST", base, 400, R"({"start_at": "2024-01-01"})")["attr"], "end_at");
  EXPECT_EQ(
      CallJson("POST", base, 400, R"({"start_at": "yesterday", "end_at": "2024-01-02"})")["attr"],
      "start_at");

  EXPECT_EQ(CallJson("GET", base, 200)["results"].size(), 1u);
  EXPECT_EQ(CallJson("GET", base + "/" + bf, 200)["id"], bf);
  EXPECT_EQ(CallJson("POST", base + "/" + bf + "/cancel", 200)["status"], "Cancelled");
  CallJson("GET", base + "/missing", 404);
}

TEST_F(ApiRouterTest, UnknownPathsAndMethods) {
  const std::string id = CreateExport();
  EXPECT_EQ(CallJson("GET", "/api/nothing", 404)["type"], "NotFound");
  EXPECT_EQ(CallJson("GET", "/api/batch_exports/" + id + "/frobnicate", 404)["type"], "NotFound");
  const ApiResponse r = Call("PUT", "/api/batch_exports/" + id);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.allow, "GET, PATCH, DELETE");
  EXPECT_EQ(Call("GET", "/api/batch_exports/" + id + "/pause").status, 405);
  EXPECT_EQ(Call("DELETE", "/api/batch_exports").status, 405);
}

TEST_F(ApiRouterTest, SecretsAreNeverReturned) {
  ExportRecord r;
  r.id = "with-secret";
  r.config = {{"name", "s3"},
              {"interval", "hour"},
              {"destination",
               {{"type", "S3"},
                {"config", {{"bucket_name", "b"}, {"aws_secret_access_key", "TOPSECRET123"}}}}}};
  service_.AddExportRecord(r);
  for (const char* path : {"/api/batch_exports/with-secret", "/api/batch_exports"}) {
    const ApiResponse got = Call("GET", path);
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body.find("TOPSECRET123"), std::string::npos) << got.body;
  }
  const json one = CallJson("GET", "/api/batch_exports/with-secret", 200);
  EXPECT_EQ(one["destination"]["config"]["aws_secret_access_key"], json({{"set", true}}));
}

TEST_F(ApiRouterTest, PersonsAreDeletedThroughTheEmbeddedStore) {
  const std::string id = "0190f6a0-0000-5000-8000-000000000001";
  ApiRequest r;
  r.method = "DELETE";
  r.path = "/api/projects/3/persons/" + id;
  // Without an embedded store, the path says why it is not there.
  ApiResponse got = router_.Handle(r);
  EXPECT_EQ(got.status, 404);
  EXPECT_NE(got.body.find("embedded store"), std::string::npos) << got.body;

  std::vector<std::pair<int64_t, std::string>> deleted;
  ApiRouter with_store(service_, [&](int64_t team, const std::string& person) {
    deleted.emplace_back(team, person);
    return deleted.size() == 1;  // the second delete finds it gone
  });
  EXPECT_EQ(with_store.Handle(r).status, 204);
  got = with_store.Handle(r);
  EXPECT_EQ(got.status, 404);
  EXPECT_NE(got.body.find("not found in team 3"), std::string::npos) << got.body;
  ASSERT_EQ(deleted.size(), 2u);
  EXPECT_EQ(deleted[0].first, 3);
  EXPECT_EQ(deleted[0].second, id);

  r.method = "GET";
  got = with_store.Handle(r);
  EXPECT_EQ(got.status, 405);
  EXPECT_EQ(got.allow, "DELETE");
  r.method = "DELETE";
  for (const std::string& bad :
       {std::string("x"), std::string("\x01") + id.substr(1), id + id, std::string(5000, 'a')}) {
    r.path = "/api/projects/3/persons/" + bad;
    got = with_store.Handle(r);
    EXPECT_EQ(got.status, 400) << bad;
    EXPECT_LT(got.body.size(), 400u) << "the id is not echoed whole";
  }
  r.path = "/api/projects/team-a/persons/" + id;
  EXPECT_EQ(with_store.Handle(r).status, 404);
  EXPECT_EQ(deleted.size(), 2u) << "no bad request reached the store";
}

}  // namespace
}  // namespace bx
