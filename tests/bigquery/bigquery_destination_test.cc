// The BigQuery destination against the BigQuery protocol fake (tests/fakes/bigquery), which
// checks our token grant, uploads, jobs and GoogleSQL as the service does and runs them on
// DuckDB: events exactly once through reruns, backfills and lost answers, persons and sessions
// merged to their final state, and how failures are classed.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/random_id.h"
#include "e2e_support.h"
#include "io/http_client.h"
#include "pipeline/export_run.h"
#include "postgres/warehouse_events.h"
#include "sink/all/destinations.h"
#include "sink/bigquery/bigquery_api.h"
#include "sink/bigquery/bigquery_config.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_loader.h"
#include "testing/log_capture.h"
#include "testing/rsa_test_keys.h"
#include "testing/sanitizers.h"
#include "testing/temp_dir.h"
#include "warehouse_runs.h"

namespace bx {
namespace {

using json = nlohmann::json;

using testing::AllHours;
using testing::Env;
using testing::kDay0;
using testing::kHour;

std::filesystem::path FakeDir() { return testing::FixtureDir("BX_BQ_FAKE_DIR", "bigquery_fake"); }

class BigQueryDestination : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    EventStore store(dir_->path() / "events.db");
    LoadSampleEvents(store, {kEvents, kDay0, kDay0 + 24 * kHour, 1, 7});
    EventStore big(dir_->path() / "big.db");
    LoadSampleEvents(big, {kBigEvents, kDay0, kDay0 + 24 * kHour, 1, 11});
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    url_ = e2e::Lines(e2e::ReadFile(FakeDir() / "url")).at(0);
    key_ = json::parse(e2e::ReadFile(FakeDir() / "key.json"));
    Control("POST", "/_fake/reset", json::object());
  }

  // The fake's control API.
  json Control(const std::string& method, const std::string& path, const json& body) {
    HttpRequest request;
    request.method = method;
    request.url = url_ + path;
    const std::string text = body.dump();
    if (method != "GET") {
      request.headers = {{"Content-Type", "application/json"}};
      request.body = text;
    }
    const HttpResponse response = http_.Send(request);
    EXPECT_LT(response.status, 300) << path << ": " << response.body;
    return response.body.empty() ? json() : json::parse(response.body);
  }

  json Sql(const std::string& sql) { return Control("POST", "/_fake/sql", {{"sql", sql}})["rows"]; }
  int64_t Count(const std::string& sql) {
    return std::stoll(Sql(sql)[0].begin()->get<std::string>());
  }

  json Config(const std::string& table, bool use_json_type = true) {
    json config = key_;
    config["dataset_id"] = "bx_dataset";
    config["table_id"] = table;
    config["api_base_url"] = url_;
    config["use_json_type"] = use_json_type;
    return config;
  }

  static ExportDefinition Definition(const std::string& model, const json& config,
                                     const std::string& interval = "hour") {
    return testing::WarehouseExport("BigQuery", model, config, interval);
  }

  static void Run(const ExportDefinition& def, const std::vector<int>& hours,
                  const std::string& store = "events.db") {
    testing::RunHours(def, dir_->path() / store, hours);
  }

  // Every event of the table equals the store's (JSON compared as JSON).
  void ExpectTableHoldsEvents(const std::string& table, const std::string& store) {
    const auto expected =
        testing::WarehouseEventsByUuid(dir_->path() / store, {kDay0, kDay0 + 24 * kHour});
    const json rows = Sql(
        "SELECT uuid, event, distinct_id, person_id, CAST(properties AS VARCHAR) AS properties, "
        "CAST(person_properties AS VARCHAR) AS person_properties, team_id, "
        "epoch_us(\"timestamp\") AS ts FROM bx_dataset." +
        table);
    ASSERT_EQ(rows.size(), expected.size());
    size_t differing = 0;
    for (const json& r : rows) {
      const auto it = expected.find(r["uuid"].get<std::string>());
      ASSERT_NE(it, expected.end()) << r["uuid"];
      const json got = {
          {"event", r["event"]},
          {"distinct_id", r["distinct_id"]},
          {"person_id", r["person_id"]},
          {"properties", json::parse(r["properties"].get<std::string>())},
          {"person_properties", json::parse(r["person_properties"].get<std::string>())},
          {"team_id", std::stoll(r["team_id"].get<std::string>())},
          {"timestamp", std::stoll(r["ts"].get<std::string>())}};
      if (got != it->second && ++differing <= 3) {
        ADD_FAILURE() << "row " << r["uuid"] << ": " << got.dump() << " vs " << it->second.dump();
      }
    }
    EXPECT_EQ(differing, 0u);
  }

  static constexpr uint64_t kEvents = 40000;
  static constexpr uint64_t kBigEvents = testing::kSanitized ? kEvents : 200000;
  static testing::TempDir* dir_;
  std::string url_;
  json key_;
  HttpClient http_;
};
testing::TempDir* BigQueryDestination::dir_ = nullptr;

TEST_F(BigQueryDestination, EventsAreExactlyOnceThroughRerunsAndBackfills) {
  const ExportDefinition def = Definition("events", Config("events"));
  Run(def, AllHours(), "big.db");
  const std::string counts =
      "SELECT count(*) AS n, count(DISTINCT uuid) AS d FROM bx_dataset.events";
  EXPECT_EQ(Sql(counts)[0],
            json({{"n", std::to_string(kBigEvents)}, {"d", std::to_string(kBigEvents)}}));
  Run(def, {5}, "big.db");         // a rerun of one hour
  Run(def, AllHours(), "big.db");  // a backfill of the day
  EXPECT_EQ(Sql(counts)[0],
            json({{"n", std::to_string(kBigEvents)}, {"d", std::to_string(kBigEvents)}}));
  EXPECT_EQ(Count("SELECT count(*) FROM bx_dataset.events WHERE bq_ingested_timestamp IS NULL"), 0);
  // Stage tables are dropped after each run.
  EXPECT_EQ(
      Count("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '%bx_stage%'"),
      0);
}

TEST_F(BigQueryDestination, EveryValueArrivesAsJsonOrAsString) {
  Run(Definition("events", Config("as_json", true)), AllHours());
  ExpectTableHoldsEvents("as_json", "events.db");
  Run(Definition("events", Config("as_string", false), "day"), {0});
  ExpectTableHoldsEvents("as_string", "events.db");
  const json types =
      Sql("SELECT table_name, data_type FROM information_schema.columns WHERE column_name = "
          "'properties' AND table_name IN ('as_json', 'as_string') ORDER BY table_name");
  EXPECT_EQ(types, json::parse(R"([{"table_name":"as_json","data_type":"JSON"},)"
                               R"({"table_name":"as_string","data_type":"VARCHAR"}])"));
}

// A response lost after BigQuery acted (the load taken, the query run): the request is sent
// again under the same job id, BigQuery says 409, the job is looked up, and nothing doubles.
TEST_F(BigQueryDestination, AnAnswerLostAfterBigQueryActedDoesNotLoadTwice) {
  const std::string upload = "/upload/bigquery/v2/projects/bx-test/jobs$";
  Control("POST", "/_fake/faults",
          {{"path_regex", upload},
           {"upload_type", "multipart"},
           {"after_action", true},
           {"drop_connection", true}});
  Control("POST", "/_fake/faults",
          {{"method", "POST"},
           {"path_regex", "^/bigquery/v2/projects/bx-test/jobs$"},
           {"after_action", true},
           {"status", 503}});
  const ExportDefinition hourly = Definition("events", Config("lost"));
  Run(hourly, {0});  // one hour: a multipart upload
  // The day in one interval: a resumable upload in several chunks, its last answer lost.
  Control("POST", "/_fake/faults",
          {{"path_regex", upload},
           {"resumable_phase", "final"},
           {"after_action", true},
           {"drop_connection", true}});
  Run(Definition("events", Config("lost_day"), "day"), {0});
  const json stats = Control("GET", "/_fake/stats", json());
  EXPECT_GE(stats["duplicates_409"].get<int>(), 2) << stats.dump();
  EXPECT_EQ(stats["faults_fired"].get<int>(), 3) << stats.dump();
  const auto expected =
      testing::WarehouseEventsByUuid(dir_->path() / "events.db", {kDay0, kDay0 + kHour});
  EXPECT_EQ(Count("SELECT count(DISTINCT uuid) FROM bx_dataset.lost"),
            static_cast<int64_t>(expected.size()));
  EXPECT_EQ(Count("SELECT count(*) FROM bx_dataset.lost"), static_cast<int64_t>(expected.size()));
  ExpectTableHoldsEvents("lost_day", "events.db");
}

TEST_F(BigQueryDestination, PersonsAndSessionsMergeToTheirFinalStateInAnyOrder) {
  for (const auto& [model, key, columns] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"persons", "distinct_id",
            "person_id, CAST(properties AS VARCHAR), person_version, person_distinct_id_version, "
            "is_deleted"},
           {"sessions", "session_id",
            "distinct_id, start_timestamp, end_timestamp, pageview_count, autocapture_count, "
            "entry_current_url, end_current_url, is_bounce, _inserted_at"}}) {
    Run(Definition(model, Config(model + "_daily"), "day"), {0});
    std::vector<int> hours;
    for (int h = 12; h < 24; ++h) hours.push_back(h);
    for (int h = 0; h < 12; ++h) hours.push_back(h);
    hours.push_back(3);
    Run(Definition(model, Config(model + "_hourly")), hours);
    const std::string select = "SELECT team_id, " + key + ", " + columns + " FROM bx_dataset.";
    EXPECT_EQ(Count("SELECT count(*) FROM ((" + select + model + "_daily EXCEPT ALL " + select +
                    model + "_hourly) UNION ALL (" + select + model + "_hourly EXCEPT ALL " +
                    select + model + "_daily)) d"),
              0)
        << model;
    EXPECT_GT(Count("SELECT count(*) FROM bx_dataset." + model + "_hourly"), 1000) << model;
  }
}

// What fails for good says so with BigQuery's words and never shows the key; what is transient
// is retried within the call or fails the run retryable.
TEST_F(BigQueryDestination, FailuresAreClassedAndNeverShowTheKey) {
  testing::LogCapture log;
  auto failure = [&](const json& config, const std::string& model = "events") -> Error {
    try {
      Run(Definition(model, config), {0});
    } catch (const Error& e) {
      const std::string key_body = key_["private_key"].get<std::string>().substr(40, 60);
      EXPECT_EQ(e.message().find(key_body), std::string::npos) << e.message();
      EXPECT_EQ(e.message().find("Bearer"), std::string::npos) << e.message();
      return e;
    }
    ADD_FAILURE() << "the run succeeded";
    return Error(ErrorKind::kInternal, "none", "");
  };
  json unknown_key = Config("events");
  unknown_key["private_key"] = testing::NewRsaKeyPem();
  Error e = failure(unknown_key);
  EXPECT_EQ(e.type(), "BigQueryAuthFailed") << e.Describe();
  EXPECT_FALSE(e.retryable());
  EXPECT_NE(e.message().find("Invalid JWT Signature"), std::string::npos) << e.message();

  json no_dataset = Config("events");
  no_dataset["dataset_id"] = "missing";
  e = failure(no_dataset);
  EXPECT_EQ(e.type(), "BigQueryNotFound") << e.Describe();
  EXPECT_FALSE(e.retryable());
  EXPECT_NE(e.message().find("missing"), std::string::npos) << e.message();

  json other_project = Config("events");
  other_project["project_id"] = "someone-else";
  e = failure(other_project);
  EXPECT_EQ(e.type(), "BigQueryAccessDenied") << e.Describe();
  EXPECT_FALSE(e.retryable());

  // A 200 that is no JSON object (a proxy's page): a retryable failure, not a crash.
  Control("POST", "/_fake/faults",
          {{"path_regex", "/jobs"}, {"status", 200}, {"body", "<html>proxy</html>"}});
  e = failure(Config("events"));
  EXPECT_EQ(e.type(), "BigQueryUnavailable") << e.Describe();
  EXPECT_TRUE(e.retryable());
  EXPECT_NE(e.message().find("no JSON object"), std::string::npos) << e.message();

  // A job that ends with a transient error: the run fails retryable; its retry loads once.
  Control("POST", "/_fake/job_faults", {{"job_type", "LOAD"}, {"reason", "backendError"}});
  e = failure(Config("events"));
  EXPECT_EQ(e.type(), "BigQueryUnavailable") << e.Describe();
  EXPECT_TRUE(e.retryable());
  // Throttling and 5xx answers, an expired token: retried within the run.
  Control("POST", "/_fake/faults",
          {{"path_regex", "^/bigquery/"},
           {"status", 403},
           {"reason", "rateLimitExceeded"},
           {"times", 2}});
  Control("POST", "/_fake/faults", {{"path_regex", "^/bigquery/"}, {"status", 503}, {"times", 2}});
  Control("POST", "/_fake/tokens/expire", json::object());
  Run(Definition("events", Config("events")), {0});
  const auto expected =
      testing::WarehouseEventsByUuid(dir_->path() / "events.db", {kDay0, kDay0 + kHour});
  EXPECT_EQ(Count("SELECT count(*) FROM bx_dataset.events"), static_cast<int64_t>(expected.size()));
  // The retries were logged, with no key and no token (a JWT starts "eyJ").
  const std::string logged = log.text();
  EXPECT_NE(logged.find("retrying"), std::string::npos) << logged;
  const std::string key_body = key_["private_key"].get<std::string>().substr(40, 60);
  for (const std::string& secret : {key_body, std::string("Bearer"), std::string("eyJ")}) {
    EXPECT_EQ(logged.find(secret), std::string::npos) << secret << " in " << logged;
  }
}

// Against real BigQuery, only when BIGQUERY_TEST_KEY_FILE (a service account's JSON key) is set
// (README, "BigQuery"), with BIGQUERY_TEST_DATASET (an existing dataset the account may write).
// Creates and deletes a table of its own.
class BigQueryLive : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("BIGQUERY_TEST_KEY_FILE").empty()) GTEST_SKIP() << "BIGQUERY_TEST_KEY_FILE is not set";
    EventStore store(dir_.path() / "events.db");
    LoadSampleEvents(store, {5000, kDay0, kDay0 + 24 * kHour, 1, 7});
  }
  testing::TempDir dir_;
};

TEST_F(BigQueryLive, EventsAreExactlyOnceThroughARerun) {
  json config = json::parse(e2e::ReadFile(Env("BIGQUERY_TEST_KEY_FILE")));
  const std::string table = "bx_live_" + RandomHex().substr(0, 12);
  config["dataset_id"] = Env("BIGQUERY_TEST_DATASET");
  config["table_id"] = table;
  testing::RunHours(testing::WarehouseExport("BigQuery", "events", config),
                    dir_.path() / "events.db", {0, 1, 0});
  const size_t expected =
      testing::WarehouseEventsByUuid(dir_.path() / "events.db", {kDay0, kDay0 + 2 * kHour}).size();
  const BigQueryConfig parsed = ParseBigQueryConfig(config);
  BigQueryApi api(parsed);
  const std::string qualified =
      "`" + parsed.project_id + "." + parsed.dataset_id + "." + table + "`";
  // The query fails (and WaitForJob throws) unless every event is there once.
  const json job = {
      {"jobReference", {{"projectId", parsed.project_id}, {"jobId", "bx_live_" + RandomHex()}}},
      {"configuration",
       {{"query",
         {{"useLegacySql", false},
          {"query", fmt::format("SELECT IF(count(*) = {0} AND count(DISTINCT uuid) = {0}, 'ok', "
                                "ERROR(FORMAT('%d rows, %d uuids', count(*), count(DISTINCT "
                                "uuid)))) FROM {1}",
                                expected, qualified)}}}}}};
  EXPECT_NO_THROW(api.WaitForJob(api.InsertJob(job)));
  api.DeleteTable(table);
}

}  // namespace
}  // namespace bx
