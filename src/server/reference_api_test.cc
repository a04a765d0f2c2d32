// The reference product's API shapes through the router (against the fake service): its team
// paths, its field names (accepted, translated, or accepted and ignored with a warning), the
// export's logs, and list pages with count and previous links.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/api_router.h"
#include "testing/fake_batch_export_service.h"

namespace bx {
namespace {

using nlohmann::json;

// As the reference's tests create an AWS S3 export (products/batch_exports tests), with the
// credentials inline as its S3 type took them.
json AwsS3Export() {
  return {{"name", "my-export"},
          {"interval", "hour"},
          {"destination",
           {{"type", "AwsS3"},
            {"config",
             {{"bucket_name", "my-bucket"},
              {"region", "us-east-1"},
              {"prefix", "events/"},
              {"file_format", "JSONLines"},
              {"compression", "gzip"},
              {"encryption", "AES256"},
              {"aws_access_key_id", "AKIAREFERENCE"},
              {"aws_secret_access_key", "TOPSECRET123"}}}}}};
}

const json kFileExport = {{"name", "hourly"},
                          {"interval", "hour"},
                          {"destination", {{"type", "File"}, {"config", {{"path", "/tmp/out"}}}}}};

class ReferenceApiTest : public ::testing::Test {
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
                const json& body = nullptr, std::map<std::string, std::string> query = {}) {
    const ApiResponse r = Call(method, path, body.is_null() ? "" : body.dump(), std::move(query));
    EXPECT_EQ(r.status, want_status) << method << " " << path << ": " << r.body;
    return r.body.empty() ? json() : json::parse(r.body);
  }

  std::string Create(const std::string& base, const json& body = kFileExport) {
    return CallJson("POST", base, 201, body)["id"];
  }

  void AddRun(const std::string& id, const std::string& export_id) {
    RunRecord r;
    r.id = id;
    r.export_id = export_id;
    r.status = RunStatus::kCompleted;
    service_.AddRun(r);
  }

  testing::FakeBatchExportService service_;
  ApiRouter router_{service_};
};

TEST_F(ReferenceApiTest, ProjectAndEnvironmentPathsAreScopedToTheirTeam) {
  const json created = CallJson("POST", "/api/projects/1/batch_exports/", 201, kFileExport);
  const std::string one = created["id"];
  EXPECT_EQ(created["team_id"], 1);
  const std::string two = Create("/api/environments/2/batch_exports");
  const std::string none = Create("/api/batch_exports");
  // team_id is the path's: the reference treats it as read-only in a body.
  json other_team = kFileExport;
  other_team["team_id"] = 5;
  EXPECT_EQ(CallJson("POST", "/api/projects/1/batch_exports/", 201, other_team)["team_id"], 1);

  const json list = CallJson("GET", "/api/projects/1/batch_exports/", 200);
  ASSERT_EQ(list["results"].size(), 2u);
  EXPECT_EQ(list["count"], 2);
  for (const json& e : list["results"]) EXPECT_EQ(e["team_id"], 1);
  EXPECT_EQ(CallJson("GET", "/api/environments/1/batch_exports", 200)["count"], 2);
  EXPECT_EQ(CallJson("GET", "/api/projects/2/batch_exports", 200)["results"][0]["id"], two);
  EXPECT_EQ(CallJson("GET", "/api/projects/3/batch_exports", 200)["count"], 0);
  EXPECT_EQ(CallJson("GET", "/api/batch_exports", 200)["count"], 4);  // ours: every team's

  // The team's own export, under both of its paths; any other team's is not there.
  EXPECT_EQ(CallJson("GET", "/api/projects/1/batch_exports/" + one + "/", 200)["id"], one);
  EXPECT_EQ(CallJson("GET", "/api/environments/1/batch_exports/" + one, 200)["id"], one);
  AddRun("run-1", one);
  for (const std::string& path :
       {"/api/projects/2/batch_exports/" + one, "/api/projects/1/batch_exports/" + two,
        "/api/projects/1/batch_exports/" + none, "/api/projects/2/batch_exports/" + one + "/runs",
        "/api/projects/2/batch_exports/" + one + "/runs/run-1",
        "/api/projects/2/batch_exports/" + one + "/logs",
        "/api/projects/2/batch_exports/" + one + "/backfills"}) {
    EXPECT_EQ(CallJson("GET", path, 404)["type"], "NotFound") << path;
  }
  CallJson("PATCH", "/api/projects/2/batch_exports/" + one, 404, {{"name", "stolen"}});
  CallJson("POST", "/api/projects/2/batch_exports/" + one + "/pause", 404);
  EXPECT_EQ(Call("DELETE", "/api/projects/2/batch_exports/" + one).status, 404);
  EXPECT_EQ(CallJson("GET", "/api/batch_exports/" + one, 200)["name"], "hourly");

  // A patch on the team's path cannot move the export to another team.
  const json patched = CallJson("PATCH", "/api/projects/1/batch_exports/" + one, 200,
                                {{"name", "renamed"}, {"team_id", 2}});
  EXPECT_EQ(patched["name"], "renamed");
  EXPECT_EQ(patched["team_id"], 1);
  EXPECT_EQ(
      CallJson("GET", "/api/projects/1/batch_exports/" + one + "/runs", 200)["results"][0]["id"],
      "run-1");
  EXPECT_EQ(CallJson("POST", "/api/projects/1/batch_exports/" + one + "/pause", 200)["paused"],
            true);
  EXPECT_EQ(Call("DELETE", "/api/projects/1/batch_exports/" + one + "/").status, 204);
}

TEST_F(ReferenceApiTest, TeamPathsRefuseWhatIsNotATeam) {
  for (const char* path :
       {"/api/projects/abc/batch_exports", "/api/projects/-1/batch_exports",
        "/api/projects/@current/batch_exports", "/api/projects/99999999999999999999/batch_exports",
        "/api/projects/1/feature_flags", "/api/projects/1", "/api/organizations/1/batch_exports"}) {
    EXPECT_EQ(CallJson("GET", path, 404)["type"], "NotFound") << path;
  }
  const json e = CallJson("GET", "/api/projects/@current/batch_exports", 404);
  EXPECT_NE(e["detail"].get<std::string>().find("not a team id"), std::string::npos) << e;
}

TEST_F(ReferenceApiTest, AwsS3IsTheReferenceNameOfOurS3AndItsKeysAreWriteOnly) {
  const json created = CallJson("POST", "/api/projects/1/batch_exports/", 201, AwsS3Export());
  EXPECT_EQ(created["destination"]["type"], "AwsS3");
  EXPECT_EQ(created["destination"]["config"]["encryption"], "AES256");
  const std::string id = created["id"];
  for (const std::string& path :
       {"/api/projects/1/batch_exports/" + id, std::string("/api/projects/1/batch_exports")}) {
    const ApiResponse got = Call("GET", path);
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body.find("AKIAREFERENCE"), std::string::npos) << got.body;
    EXPECT_EQ(got.body.find("TOPSECRET123"), std::string::npos) << got.body;
  }
  const json one = CallJson("GET", "/api/projects/1/batch_exports/" + id, 200);
  EXPECT_EQ(one["destination"]["config"]["aws_access_key_id"], json({{"set", true}}));
  EXPECT_EQ(one["destination"]["config"]["aws_secret_access_key"], json({{"set", true}}));

  // The reference's checks of an AWS S3 config hold for AwsS3 too.
  json bad = AwsS3Export();
  bad["destination"]["config"]["encryption"] = "rot13";
  EXPECT_EQ(CallJson("POST", "/api/projects/1/batch_exports/", 400, bad)["attr"],
            "destination.config.encryption");
  bad = AwsS3Export();
  bad["destination"]["config"]["endpoint_url"] = "https://localhost:9000";
  EXPECT_EQ(CallJson("POST", "/api/projects/1/batch_exports/", 400, bad)["attr"],
            "destination.config.endpoint_url");
}

TEST_F(ReferenceApiTest, ReferenceOnlyFieldsAreAcceptedWithAWarning) {
  json body = AwsS3Export();
  body["hogql_query"] = "SELECT event FROM events";
  body["filters"] = json::array({{{"key", "$browser"}, {"type", "event"}, {"value", {"Firefox"}}}});
  body["incremental_mode"] = "APPEND";           // the reference's default, what we do: no warning
  body["schema"] = {{"fields", json::array()}};  // read-only there: ignored silently
  body["latest_runs"] = json::array();
  body["created_at"] = "2024-01-01T00:00:00Z";
  body["primary_key"] = nullptr;  // no value: nothing to warn about
  body["destination"]["integration"] = 42;
  const json created = CallJson("POST", "/api/projects/1/batch_exports/", 201, body);
  ASSERT_TRUE(created["warnings"].is_array()) << created;
  std::string warnings;
  for (const json& w : created["warnings"]) warnings += w.get<std::string>() + "\n";
  EXPECT_EQ(created["warnings"].size(), 3u) << warnings;
  EXPECT_NE(warnings.find("hogql_query: ignored"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("filters: ignored"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("destination.integration: ignored"), std::string::npos) << warnings;
  EXPECT_FALSE(created.contains("hogql_query"));
  EXPECT_FALSE(created["destination"].contains("integration"));

  // A patch the same way; one with nothing ignored says nothing.
  const std::string id = created["id"];
  const json patched = CallJson("PATCH", "/api/projects/1/batch_exports/" + id, 200,
                                {{"name", "renamed"}, {"incremental_mode", "MERGE"}});
  ASSERT_EQ(patched["warnings"].size(), 1u) << patched;
  EXPECT_NE(patched["warnings"][0].get<std::string>().find("incremental_mode"), std::string::npos);
  EXPECT_FALSE(CallJson("PATCH", "/api/projects/1/batch_exports/" + id, 200, {{"paused", false}})
                   .contains("warnings"));
  // Sending back what a create answered (warnings included) works.
  json file = kFileExport;
  file["filters"] = json::array({{{"key", "$browser"}}});
  json answer = CallJson("POST", "/api/projects/1/batch_exports/", 201, file);
  ASSERT_EQ(answer["warnings"].size(), 1u) << answer;
  answer["name"] = "sent back";
  EXPECT_EQ(CallJson("PATCH", "/api/projects/1/batch_exports/" + answer["id"].get<std::string>(),
                     200, answer)["name"],
            "sent back");

  // Fields neither product has stay an error naming them.
  body = AwsS3Export();
  body["frobnicate"] = true;
  EXPECT_EQ(CallJson("POST", "/api/projects/1/batch_exports/", 400, body)["attr"], "frobnicate");
  body = AwsS3Export();
  body["destination"]["colour"] = "blue";
  EXPECT_EQ(CallJson("POST", "/api/batch_exports", 400, body)["attr"], "destination.colour");
  body = AwsS3Export();
  body["destination"]["config"]["colour"] = "blue";
  EXPECT_EQ(CallJson("POST", "/api/batch_exports", 400, body)["attr"], "destination.config.colour");
}

TEST_F(ReferenceApiTest, OffsetDayAndHourBecomeTheIntervalOffset) {
  json week = kFileExport;
  week["interval"] = "week";
  week["offset_day"] = 1;  // Monday
  week["offset_hour"] = 2;
  EXPECT_EQ(CallJson("POST", "/api/projects/1/batch_exports", 201, week)["interval_offset"],
            86400 + 2 * 3600);
  json day = kFileExport;
  day["interval"] = "day";
  day["offset_hour"] = 3;
  day["offset_day"] = nullptr;
  const json created = CallJson("POST", "/api/projects/1/batch_exports", 201, day);
  EXPECT_EQ(created["interval_offset"], 3 * 3600);
  // A patch without the interval uses the export's.
  const std::string id = created["id"];
  EXPECT_EQ(CallJson("PATCH", "/api/projects/1/batch_exports/" + id, 200,
                     {{"offset_hour", 5}})["interval_offset"],
            5 * 3600);

  const auto attr_of = [&](json body) {
    return CallJson("POST", "/api/projects/1/batch_exports", 400, body)["attr"];
  };
  json bad = day;
  bad["offset_day"] = 1;
  EXPECT_EQ(attr_of(bad), "offset_day");
  bad = kFileExport;
  bad["offset_hour"] = 1;  // an hourly export
  EXPECT_EQ(attr_of(bad), "offset_hour");
  bad = day;
  bad["offset_hour"] = 24;
  EXPECT_EQ(attr_of(bad), "offset_hour");
  bad["offset_hour"] = "3";
  EXPECT_EQ(attr_of(bad), "offset_hour");
  bad = week;
  bad["offset_day"] = 7;
  EXPECT_EQ(attr_of(bad), "offset_day");
  bad = day;
  bad["interval_offset"] = 3600;
  EXPECT_EQ(attr_of(bad), "offset_hour");
}

TEST_F(ReferenceApiTest, ExportLogsAreItsRunsLinesNewestFirstInPages) {
  const std::string id = Create("/api/projects/1/batch_exports");
  const std::string other = Create("/api/projects/1/batch_exports");
  AddRun("run-a", id);
  AddRun("run-b", id);
  AddRun("run-c", other);
  service_.AddLog("run-a", {1, "info", "a started"});
  service_.AddLog("run-c", {2, "info", "c started"});
  service_.AddLog("run-b", {3, "info", "b started"});
  service_.AddLog("run-a", {4, "error", "a failed"});

  const std::string base = "/api/projects/1/batch_exports/" + id + "/logs";
  json page = CallJson("GET", base, 200, nullptr, {{"limit", "2"}});
  ASSERT_EQ(page["results"].size(), 2u) << page;
  EXPECT_EQ(page["results"][0]["message"], "a failed");
  EXPECT_EQ(page["results"][0]["level"], "error");
  EXPECT_EQ(page["results"][0]["run_id"], "run-a");
  EXPECT_EQ(page["results"][0]["instance_id"], "run-a");
  EXPECT_EQ(page["results"][1]["message"], "b started");
  EXPECT_TRUE(page["previous"].is_null());
  ASSERT_TRUE(page["next"].is_string());
  const std::string next = page["next"];
  page = CallJson("GET", base, 200, nullptr,
                  {{"limit", "2"}, {"cursor", next.substr(next.find("cursor=") + 7)}});
  ASSERT_EQ(page["results"].size(), 1u);
  EXPECT_EQ(page["results"][0]["message"], "a started");
  EXPECT_TRUE(page["next"].is_null());
  EXPECT_EQ(page["previous"], "http://api.test" + base + "?limit=2");
  EXPECT_EQ(CallJson("GET", "/api/batch_exports/" + id + "/logs/", 200)["results"].size(), 3u);

  EXPECT_EQ(CallJson("GET", "/api/batch_exports/nope/logs", 404)["type"], "NotFound");
  EXPECT_EQ(Call("POST", base).status, 405);
  EXPECT_EQ(CallJson("GET", base, 400, nullptr, {{"limit", "100000"}})["attr"], "limit");
}

TEST_F(ReferenceApiTest, ExportListsCountAndLinkBothWaysAndTakeAnOffset) {
  for (int i = 0; i < 5; ++i) Create("/api/projects/1/batch_exports");
  const std::string base = "/api/projects/1/batch_exports";
  json page = CallJson("GET", base, 200, nullptr, {{"limit", "2"}});
  EXPECT_EQ(page["count"], 5);
  EXPECT_TRUE(page["previous"].is_null());
  ASSERT_TRUE(page["next"].is_string());
  const std::string next = page["next"];
  page = CallJson("GET", base, 200, nullptr,
                  {{"limit", "2"}, {"cursor", next.substr(next.find("cursor=") + 7)}});
  EXPECT_EQ(page["count"], 5);
  EXPECT_EQ(page["previous"], "http://api.test" + base + "?limit=2");

  // The reference pages this list by offset: the links then continue by cursor.
  page = CallJson("GET", base, 200, nullptr, {{"limit", "2"}, {"offset", "2"}});
  ASSERT_EQ(page["results"].size(), 2u);
  EXPECT_EQ(page["count"], 5);
  const std::string by_offset = page["next"];
  EXPECT_EQ(by_offset.find("offset"), std::string::npos) << by_offset;
  page = CallJson("GET", base, 200, nullptr,
                  {{"limit", "2"}, {"cursor", by_offset.substr(by_offset.find("cursor=") + 7)}});
  ASSERT_EQ(page["results"].size(), 1u);
  EXPECT_TRUE(page["next"].is_null());
  EXPECT_EQ(CallJson("GET", base, 200, nullptr, {{"offset", "99"}})["results"].size(), 0u);
  EXPECT_EQ(CallJson("GET", base, 400, nullptr, {{"offset", "-1"}})["attr"], "offset");
  EXPECT_EQ(CallJson("GET", base, 400, nullptr, {{"offset", "two"}})["attr"], "offset");
}

}  // namespace
}  // namespace bx
