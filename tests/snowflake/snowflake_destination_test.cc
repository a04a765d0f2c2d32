// The Snowflake destination against the Snowflake SQL API fake (tests/fakes/snowflake), which
// checks our key-pair JWTs, request ids and statements as the service does and runs them on
// DuckDB: events exactly once through reruns, backfills and lost answers, persons and sessions
// merged to their final state, and how failures are classed.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/random_id.h"
#include "e2e_support.h"
#include "io/http_client.h"
#include "pipeline/export_run.h"
#include "postgres/warehouse_events.h"
#include "rgw_support.h"
#include "sink/all/destinations.h"
#include "sink/snowflake/snowflake_api.h"
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

std::filesystem::path FakeDir() { return testing::FixtureDir("BX_SF_FAKE_DIR", "snowflake_fake"); }

class SnowflakeDestination : public ::testing::Test {
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
    account_ = json::parse(e2e::ReadFile(FakeDir() / "account.json"));
    url_ = account_["url"];
    Control("POST", "/_fake/reset", json::object());
  }

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

  json Config(const std::string& table) {
    return {{"account", account_["account"]},
            {"user", account_["user"]},
            {"private_key", e2e::ReadFile(FakeDir() / "rsa_key.p8")},
            {"database", account_["database"]},
            {"schema", account_["schema"]},
            {"warehouse", account_["warehouse"]},
            {"role", account_["role"]},
            {"table_name", table},
            {"api_base_url", url_}};
  }

  // Rows of a query through the SQL API itself, as jsonv2 strings.
  json Query(const std::string& sql) {
    SnowflakeApi api(ParseSnowflakeConfig(Config("events")));
    return api.Execute(SnowflakeRequestId("test " + std::to_string(++queries_) + sql), {sql},
                       "test query")["data"];
  }
  int64_t Count(const std::string& sql) { return std::stoll(Query(sql)[0][0].get<std::string>()); }
  std::string Table(const std::string& name) {
    return "\"" + account_["database"].get<std::string>() + "\".\"" +
           account_["schema"].get<std::string>() + "\".\"" + name + "\"";
  }

  // Every event of events.db's day is in `table` once with the store's values.
  void ExpectTableHoldsTheDay(const std::string& table) {
    const auto expected =
        testing::WarehouseEventsByUuid(dir_->path() / "events.db", {kDay0, kDay0 + 24 * kHour});
    const json rows = Query(
        "SELECT \"uuid\", \"event\", \"distinct_id\", \"person_id\", \"properties\", "
        "\"person_properties\", \"team_id\", \"timestamp\" FROM " +
        Table(table));
    ASSERT_EQ(rows.size(), expected.size());
    size_t differing = 0;
    for (const json& r : rows) {
      const auto it = expected.find(r[0].get<std::string>());
      ASSERT_NE(it, expected.end());
      // TIMESTAMP_NTZ in jsonv2: "seconds.nanoseconds" since the epoch.
      const std::string ts = r[7];
      const int64_t micros = std::stoll(ts.substr(0, ts.find('.'))) * 1000000 +
                             std::stoll(ts.substr(ts.find('.') + 1, 6));
      const json got = {{"event", r[1]},
                        {"distinct_id", r[2]},
                        {"person_id", r[3]},
                        {"properties", json::parse(r[4].get<std::string>())},
                        {"person_properties", json::parse(r[5].get<std::string>())},
                        {"team_id", std::stoll(r[6].get<std::string>())},
                        {"timestamp", micros}};
      if (got != it->second && ++differing <= 3) {
        ADD_FAILURE() << got.dump() << " vs " << it->second.dump();
      }
    }
    EXPECT_EQ(differing, 0u);
  }

  static ExportDefinition Definition(const std::string& model, const json& config,
                                     const std::string& interval = "hour") {
    return testing::WarehouseExport("Snowflake", model, config, interval);
  }

  static void Run(const ExportDefinition& def, const std::vector<int>& hours,
                  const std::string& store = "events.db") {
    testing::RunHours(def, dir_->path() / store, hours);
  }

  static constexpr uint64_t kEvents = 40000;
  static constexpr uint64_t kBigEvents = testing::kSanitized ? kEvents : 200000;
  static testing::TempDir* dir_;
  json account_;
  std::string url_;
  int queries_ = 0;
  HttpClient http_;
};
testing::TempDir* SnowflakeDestination::dir_ = nullptr;

TEST_F(SnowflakeDestination, EveryValueEqualsTheStores) {
  Run(Definition("events", Config("events")), AllHours());
  ExpectTableHoldsTheDay("events");
  EXPECT_LE(Control("GET", "/_fake/stats", json())["max_executions_per_request_id"].get<int>(), 1);
}

// The answer to the move (delete + insert, committed) is lost: the request is sent again with
// retry=true and Snowflake answers with the first outcome; nothing runs twice.
TEST_F(SnowflakeDestination, AnAnswerLostAfterTheMoveDoesNotRunItTwice) {
  Control("POST", "/_fake/faults",
          {{"statement_regex", "^BEGIN"}, {"after_action", true}, {"drop_connection", true}});
  Control("POST", "/_fake/faults",
          {{"statement_regex", "^INSERT INTO .*VALUES"}, {"after_action", true}, {"status", 503}});
  Run(Definition("events", Config("lost")), {0});
  const json stats = Control("GET", "/_fake/stats", json());
  EXPECT_EQ(stats["max_executions_per_request_id"].get<int>(), 1) << stats.dump();
  EXPECT_GE(stats["retries_served"].get<int>(), 2) << stats.dump();
  const auto expected =
      testing::WarehouseEventsByUuid(dir_->path() / "events.db", {kDay0, kDay0 + kHour});
  EXPECT_EQ(Count("SELECT count(*) FROM " + Table("lost")), static_cast<int64_t>(expected.size()));
}

TEST_F(SnowflakeDestination, PersonsAndSessionsMergeToTheirFinalStateInAnyOrder) {
  for (const auto& [model, key, columns] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"persons", "\"distinct_id\"",
            "\"person_id\", \"properties\", \"person_version\", \"person_distinct_id_version\", "
            "\"is_deleted\""},
           {"sessions", "\"session_id\"",
            "\"distinct_id\", \"start_timestamp\", \"end_timestamp\", \"pageview_count\", "
            "\"entry_current_url\", \"end_current_url\", \"is_bounce\", \"_inserted_at\""}}) {
    Run(Definition(model, Config(model + "_daily"), "day"), {0});
    std::vector<int> hours;
    for (int h = 12; h < 24; ++h) hours.push_back(h);
    for (int h = 0; h < 12; ++h) hours.push_back(h);
    hours.push_back(3);
    Run(Definition(model, Config(model + "_hourly")), hours);
    const std::string select = "SELECT \"team_id\", " + key + ", " + columns + " FROM ";
    const std::string daily = Table(model + "_daily"), hourly = Table(model + "_hourly");
    EXPECT_EQ(Count("SELECT count(*) FROM ((" + select + daily + " EXCEPT " + select + hourly +
                    ") UNION ALL (" + select + hourly + " EXCEPT " + select + daily + "))"),
              0)
        << model;
    EXPECT_GT(Count("SELECT count(*) FROM " + hourly), 1000) << model;
  }
}

TEST_F(SnowflakeDestination, FailuresAreClassedAndNeverShowTheKey) {
  testing::LogCapture log;
  auto failure = [&](const json& config) -> Error {
    try {
      Run(Definition("events", config), {0});
    } catch (const Error& e) {
      EXPECT_EQ(e.message().find("PRIVATE KEY"), std::string::npos) << e.message();
      return e;
    }
    ADD_FAILURE() << "the run succeeded";
    return Error(ErrorKind::kInternal, "none", "");
  };
  json other_key = Config("events");
  other_key["private_key"] = testing::NewRsaKeyPem();
  Error e = failure(other_key);
  EXPECT_EQ(e.type(), "SnowflakeAuthFailed") << e.Describe();
  EXPECT_FALSE(e.retryable());

  json no_warehouse = Config("events");
  no_warehouse["warehouse"] = "NO_SUCH_WH";
  e = failure(no_warehouse);
  EXPECT_FALSE(e.retryable()) << e.Describe();

  // A 200 that is no JSON object (a proxy's page): a retryable failure, not a crash.
  Control("POST", "/_fake/faults",
          {{"statement_regex", "^CREATE TABLE"}, {"status", 200}, {"body", "<html>proxy</html>"}});
  e = failure(Config("events"));
  EXPECT_EQ(e.type(), "SnowflakeUnavailable") << e.Describe();
  EXPECT_TRUE(e.retryable());
  EXPECT_NE(e.message().find("no JSON object"), std::string::npos) << e.message();

  // Statements refused more often than a run retries them: the run fails retryable (the
  // service retries it later); the retry below loads the interval once.
  Control("POST", "/_fake/faults",
          {{"statement_regex", "FROM VALUES"}, {"status", 503}, {"times", 10}});
  e = failure(Config("events"));
  EXPECT_EQ(e.type(), "SnowflakeUnavailable") << e.Describe();
  EXPECT_TRUE(e.retryable());
  // 429 and 503 answers are retried within the run.
  Control("POST", "/_fake/faults", {{"status", 429}, {"times", 2}});
  Control("POST", "/_fake/faults", {{"status", 503}, {"retry_after", 1}, {"times", 1}});
  Run(Definition("events", Config("events")), {0});
  const auto expected =
      testing::WarehouseEventsByUuid(dir_->path() / "events.db", {kDay0, kDay0 + kHour});
  EXPECT_EQ(Count("SELECT count(*) FROM " + Table("events")),
            static_cast<int64_t>(expected.size()));
  // The retries were logged, with no key and no token (a JWT starts "eyJ").
  const std::string logged = log.text();
  EXPECT_NE(logged.find("retrying"), std::string::npos) << logged;
  const std::string key = Config("events")["private_key"];
  for (const std::string& secret :
       {key.substr(40, 60), std::string("Bearer"), std::string("eyJ")}) {
    EXPECT_EQ(logged.find(secret), std::string::npos) << secret << " in " << logged;
  }
}

// With a stage: the interval's files on S3 and COPY INTO, then the same move.
class SnowflakeCopyMode : public SnowflakeDestination {
 protected:
  void SetUp() override {
    SnowflakeDestination::SetUp();
    ASSERT_FALSE(testing::RgwEndpoint().empty())
        << "no S3 server: COPY mode needs radosgw, which ctest starts through the `rgw` fixture "
           "(BX_RGW_DIR=<dir>)";
    testing::FreshBucket(kBucket);
    Control("POST", "/_fake/config", {{"s3_endpoint", testing::RgwEndpoint()}});
  }

  json StagedConfig(const std::string& table) {
    json c = Config(table);
    c["stage"] = {{"bucket_name", kBucket},
                  {"endpoint_url", testing::RgwEndpoint()},
                  {"prefix", "snowflake"},
                  {"aws_access_key_id", testing::kRgwKey},
                  {"aws_secret_access_key", testing::kRgwSecret},
                  {"max_file_size_mb", 1}};
    return c;
  }

  size_t StagedObjects() { return testing::RgwClient(kBucket).ListAllKeys("").size(); }

  static constexpr char kBucket[] = "bx-snowflake-stage";
};

// 200,000 events hour by hour through the stage (what volume takes), then a rerun of an hour and
// a backfill of the day.
TEST_F(SnowflakeCopyMode, EventsAreExactlyOnceThroughRerunsAndBackfills) {
  const ExportDefinition def = Definition("events", StagedConfig("events"));
  Run(def, AllHours(), "big.db");
  const std::string counts = "SELECT count(*), count(DISTINCT \"uuid\") FROM " + Table("events");
  const json all = json({std::to_string(kBigEvents), std::to_string(kBigEvents)});
  EXPECT_EQ(Query(counts)[0], all);
  Run(def, {5}, "big.db");         // a rerun of one hour
  Run(def, AllHours(), "big.db");  // a backfill of the day
  EXPECT_EQ(Query(counts)[0], all);
  // Stage tables are dropped after each run.
  EXPECT_EQ(Count("SELECT count(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME ILIKE "
                  "'%bx_stage%'"),
            0);
  EXPECT_LE(Control("GET", "/_fake/stats", json())["max_executions_per_request_id"].get<int>(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM " + Table("events") +
                  " WHERE \"properties\" IS NULL OR \"timestamp\" IS NULL"),
            0);
  EXPECT_GT(Control("GET", "/_fake/stats", json())["copy_files"].size(), 24u)
      << "1 MB files: an hour is split";
  EXPECT_EQ(StagedObjects(), 0u) << "staged files are removed after each commit";
}

TEST_F(SnowflakeCopyMode, EveryValueEqualsTheStores) {
  Run(Definition("events", StagedConfig("copied"), "day"), {0});
  ExpectTableHoldsTheDay("copied");
}

TEST_F(SnowflakeCopyMode, AFailedCopyLeavesNoFilesAndNoSecret) {
  Control("POST", "/_fake/faults", {{"statement_regex", "^COPY INTO"}, {"status", 422}});
  try {
    Run(Definition("events", StagedConfig("events")), {0});
    ADD_FAILURE() << "the run succeeded";
  } catch (const Error& e) {
    EXPECT_FALSE(e.retryable()) << e.Describe();
    EXPECT_EQ(e.message().find(testing::kRgwSecret), std::string::npos) << e.message();
  }
  EXPECT_EQ(StagedObjects(), 0u);
  EXPECT_EQ(Count("SELECT count(*) FROM " + Table("events")), 0);
}

// Against a real Snowflake account, only when SNOWFLAKE_TEST_ACCOUNT is set (README, "Snowflake"):
// SNOWFLAKE_TEST_USER, SNOWFLAKE_TEST_PRIVATE_KEY_FILE (PEM), SNOWFLAKE_TEST_DATABASE,
// SNOWFLAKE_TEST_SCHEMA, SNOWFLAKE_TEST_WAREHOUSE and optionally SNOWFLAKE_TEST_ROLE. Creates and
// drops a table of its own.
class SnowflakeLive : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("SNOWFLAKE_TEST_ACCOUNT").empty()) GTEST_SKIP() << "SNOWFLAKE_TEST_ACCOUNT is not set";
    EventStore store(dir_.path() / "events.db");
    LoadSampleEvents(store, {5000, kDay0, kDay0 + 24 * kHour, 1, 7});
  }

  json Config(const std::string& table) {
    json c = {{"account", Env("SNOWFLAKE_TEST_ACCOUNT")},
              {"user", Env("SNOWFLAKE_TEST_USER")},
              {"private_key", e2e::ReadFile(Env("SNOWFLAKE_TEST_PRIVATE_KEY_FILE"))},
              {"database", Env("SNOWFLAKE_TEST_DATABASE")},
              {"schema", Env("SNOWFLAKE_TEST_SCHEMA")},
              {"warehouse", Env("SNOWFLAKE_TEST_WAREHOUSE")},
              {"table_name", table}};
    if (!Env("SNOWFLAKE_TEST_ROLE").empty()) c["role"] = Env("SNOWFLAKE_TEST_ROLE");
    return c;
  }

  testing::TempDir dir_;
};

TEST_F(SnowflakeLive, EventsAreExactlyOnceThroughARerun) {
  const std::string table = "bx_live_" + RandomHex().substr(0, 12);
  const json config = Config(table);
  testing::RunHours(testing::WarehouseExport("Snowflake", "events", config),
                    dir_.path() / "events.db", {0, 1, 0});
  SnowflakeApi api(ParseSnowflakeConfig(config));
  const std::string qualified = "\"" + Env("SNOWFLAKE_TEST_DATABASE") + "\".\"" +
                                Env("SNOWFLAKE_TEST_SCHEMA") + "\".\"" + table + "\"";
  const json counts = api.Execute(SnowflakeRequestId("live count " + table),
                                  {"SELECT count(*), count(DISTINCT \"uuid\") FROM " + qualified},
                                  "count")["data"][0];
  api.Execute(SnowflakeRequestId("live drop " + table), {"DROP TABLE " + qualified}, "drop");
  const size_t expected =
      testing::WarehouseEventsByUuid(dir_.path() / "events.db", {kDay0, kDay0 + 2 * kHour}).size();
  EXPECT_EQ(counts, json({std::to_string(expected), std::to_string(expected)}));
}

}  // namespace
}  // namespace bx
