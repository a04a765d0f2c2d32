// The Redshift destination: golden tests of the statements against the Redshift SQL reference
// (MERGE names its target by the table, never an alias; JSON_PARSE for SUPER; no arrays), and
// the insert mode run end to end on the tests' PostgreSQL 15 as a Redshift stand-in: a `super`
// domain over jsonb and a `json_parse(text)` function (PostgreSQL 15 has MERGE). Copy mode's
// staged files are checked on the tests' S3 server (radosgw); PostgreSQL cannot run its COPY,
// which the live tier (REDSHIFT_TEST_URL, see README) does on a real Redshift.

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/schemas.h"
#include "pipeline/export_run.h"
#include "rgw_support.h"
#include "sink/all/destinations.h"
#include "sink/redshift/redshift_config.h"
#include "sink/redshift/redshift_sql.h"
#include "sink/s3/interval_staging.h"
#include "sink/s3/s3_client.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_loader.h"
#include "testing/compress_test_util.h"
#include "testing/pg_test_support.h"
#include "testing/temp_dir.h"
#include "warehouse_events.h"
#include "warehouse_runs.h"

namespace bx {
namespace {

using json = nlohmann::json;
namespace pgt = pg::testing;

using testing::Env;
using testing::kDay0;
using testing::kHour;

IntervalTarget Target(Model model) {
  const ModelSpec& spec = GetModelSpec(model, Layout::kTables);
  IntervalTarget t;
  t.schema = spec.schema;
  t.key_columns = spec.key_columns;
  t.version_columns = spec.version_columns;
  return t;
}

TEST(RedshiftSql, CreateTableUsesRedshiftTypes) {
  EXPECT_EQ(RedshiftCreateTableSql("\"s\".\"t\"", Target(Model::kPersons), true),
            "CREATE TABLE IF NOT EXISTS \"s\".\"t\" (\"team_id\" INTEGER, \"distinct_id\" "
            "VARCHAR(65535), \"person_id\" VARCHAR(65535), \"properties\" SUPER, "
            "\"person_distinct_id_version\" BIGINT, \"person_version\" BIGINT, \"created_at\" "
            "TIMESTAMPTZ, \"_inserted_at\" TIMESTAMPTZ, \"is_deleted\" BOOLEAN)");
  const std::string events = RedshiftCreateTableSql("e", Target(Model::kEvents), false);
  EXPECT_NE(events.find("\"uuid\" VARCHAR(200)"), std::string::npos) << events;
  EXPECT_NE(events.find("\"properties\" VARCHAR(65535)"), std::string::npos) << events;
  EXPECT_EQ(events.find("PRIMARY KEY"), std::string::npos) << "Redshift enforces no keys";
}

TEST(RedshiftSql, InsertBindsEveryValueAndParsesSuperColumns) {
  const Schema& schema = FileSchema(Model::kPersons);
  const std::vector<CopyColumn> columns = {{0, {}, true, ""}, {3, {}, true, ""}, {8, {}, true, ""}};
  EXPECT_EQ(RedshiftInsertSql("\"s\".\"t\"", schema, columns, 2, true),
            "INSERT INTO \"s\".\"t\" (\"team_id\", \"properties\", \"is_deleted\") VALUES "
            "($1, JSON_PARSE($2), $3), ($4, JSON_PARSE($5), $6)");
  EXPECT_EQ(RedshiftInsertSql("t", schema, columns, 1, false),
            "INSERT INTO t (\"team_id\", \"properties\", \"is_deleted\") VALUES ($1, $2, $3)");
}

TEST(RedshiftSql, MergeKeepsTheNewestAndNamesTheTargetByTable) {
  const IntervalTarget target = Target(Model::kSessions);
  const Schema& schema = *target.schema;
  std::vector<CopyColumn> columns = {
      {static_cast<size_t>(schema.IndexOf("session_id")), {}, true, ""},
      {static_cast<size_t>(schema.IndexOf("team_id")), {}, true, ""},
      {static_cast<size_t>(schema.IndexOf("end_timestamp")), {}, true, ""},
      {static_cast<size_t>(schema.IndexOf("_inserted_at")), {}, true, ""}};
  const auto sql = RedshiftMergeSql("\"s\".\"t\"", "bx_stage", target, columns);
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql[0],
            "CREATE TEMP TABLE bx_stage_newest AS SELECT \"session_id\", \"team_id\", "
            "\"end_timestamp\", \"_inserted_at\" FROM (SELECT \"session_id\", \"team_id\", "
            "\"end_timestamp\", \"_inserted_at\", ROW_NUMBER() OVER (PARTITION BY \"team_id\", "
            "\"session_id\" ORDER BY \"end_timestamp\" DESC, \"_inserted_at\" DESC) AS bx_rank "
            "FROM bx_stage) ranked WHERE bx_rank = 1");
  EXPECT_EQ(sql[1],
            "DELETE FROM bx_stage_newest USING \"s\".\"t\" WHERE \"s\".\"t\".\"team_id\" = "
            "bx_stage_newest.\"team_id\" AND \"s\".\"t\".\"session_id\" = "
            "bx_stage_newest.\"session_id\" AND bx_stage_newest.\"end_timestamp\" <= "
            "\"s\".\"t\".\"end_timestamp\" AND bx_stage_newest.\"_inserted_at\" <= "
            "\"s\".\"t\".\"_inserted_at\"");
  EXPECT_EQ(sql[2],
            "MERGE INTO \"s\".\"t\" USING bx_stage_newest s ON \"s\".\"t\".\"team_id\" = "
            "s.\"team_id\" AND \"s\".\"t\".\"session_id\" = s.\"session_id\" WHEN MATCHED THEN "
            "UPDATE SET \"session_id\" = s.\"session_id\", \"team_id\" = s.\"team_id\", "
            "\"end_timestamp\" = s.\"end_timestamp\", \"_inserted_at\" = s.\"_inserted_at\" "
            "WHEN NOT MATCHED THEN INSERT (\"session_id\", \"team_id\", \"end_timestamp\", "
            "\"_inserted_at\") VALUES (s.\"session_id\", s.\"team_id\", s.\"end_timestamp\", "
            "s.\"_inserted_at\")");
}

TEST(RedshiftSql, CopyReadsTheManifestsGzipJsonLinesWithEitherAuthorization) {
  const Schema& schema = TableSchema(Model::kEvents);
  const std::vector<CopyColumn> columns = {
      {0, 200, true, ""}, {2, {}, true, ""}, {10, {}, true, ""}};
  EXPECT_EQ(RedshiftCopySql("\"s\".\"t\"", schema, columns, "s3://b/p/x.redshift-manifest.json",
                            {"arn:aws:iam::123456789012:role/Load", "", "", ""}, "eu-west-1"),
            "COPY \"s\".\"t\" (\"uuid\", \"properties\", \"timestamp\") FROM "
            "'s3://b/p/x.redshift-manifest.json' IAM_ROLE 'arn:aws:iam::123456789012:role/Load' "
            "REGION 'eu-west-1' MANIFEST FORMAT AS JSON 'auto' GZIP TIMEFORMAT 'auto' "
            "TRUNCATECOLUMNS ACCEPTINVCHARS");
  EXPECT_EQ(RedshiftCopySql("bx_stage", schema, {columns[0]}, "s3://b/m", {"", "AK", "S'K", "T"},
                            "us-east-1"),
            "COPY bx_stage (\"uuid\") FROM 's3://b/m' ACCESS_KEY_ID 'AK' SECRET_ACCESS_KEY 'S''K' "
            "SESSION_TOKEN 'T' REGION 'us-east-1' MANIFEST FORMAT AS JSON 'auto' GZIP TIMEFORMAT "
            "'auto' TRUNCATECOLUMNS ACCEPTINVCHARS");
}

TEST(RedshiftSql, ManifestListsEveryFileAsMandatoryWithItsLength) {
  EXPECT_EQ(RedshiftManifest({{"s3://b/a-0.jsonl.gz", 10}, {"s3://b/a-1.jsonl.gz", 7}}),
            R"({"entries":[{"url":"s3://b/a-0.jsonl.gz","mandatory":true,"meta":)"
            R"({"content_length":10}},{"url":"s3://b/a-1.jsonl.gz","mandatory":true,"meta":)"
            R"({"content_length":7}}]})");
}

TEST(RedshiftSql, StagingSegmentIsOneHarmlessKeySegment) {
  EXPECT_EQ(StagingSegment("public", "events"), "public.events");
  EXPECT_EQ(StagingSegment("a/b", "{year} x"), "a_b._year__x");
  EXPECT_EQ(StagingSegment(".", ""), "_..");
}

// The stand-in: what the insert mode sends runs on PostgreSQL 15 given Redshift's SUPER and
// JSON_PARSE.
class RedshiftStandIn : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    EventStore store(dir_->path() / "events.db");
    LoadSampleEvents(store, {kEvents, kDay0, kDay0 + 24 * kHour, 1, 7});
    pg::Connection(pgt::ServerUrl())
        .ExecScript(
            "DO $$BEGIN "
            "IF NOT EXISTS (SELECT FROM pg_type WHERE typname = 'super') THEN "
            "  CREATE DOMAIN public.super AS jsonb; END IF; END$$;"
            "CREATE OR REPLACE FUNCTION public.json_parse(text) RETURNS jsonb "
            "  LANGUAGE sql IMMUTABLE AS 'SELECT $1::jsonb'");
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override { schema_ = pgt::UniqueName("bx_rs"); }

  json Config(const std::string& table, const std::string& type) {
    const auto [host, port] = pgt::ServerHostPort();
    return {{"host", host},
            {"port", port},
            {"database", "postgres"},
            {"user", "postgres"},
            {"schema", schema_},
            {"table_name", table},
            {"properties_data_type", type}};
  }

  static void Run(const std::string& model, const json& config, const std::string& interval,
                  const std::vector<int>& hours) {
    const ExportDefinition def =
        ParseValidExport({{"name", "rs"},
                          {"model", model},
                          {"interval", interval},
                          {"destination", {{"type", "Redshift"}, {"config", config}}}});
    EmbeddedSource source(dir_->path() / "events.db");
    auto destination = MakeDestination(def);
    const Micros length = interval == "day" ? 24 * kHour : kHour;
    for (int h : hours) {
      ExportInterval(def, {kDay0 + h * kHour, kDay0 + h * kHour + length}, source, *destination);
    }
  }

  pg::Result Query(const std::string& sql) {
    return pg::Connection(pgt::ServerUrl()).ExecText(sql);
  }

  static constexpr uint64_t kEvents = 20000;
  static testing::TempDir* dir_;
  std::string schema_;
};
testing::TempDir* RedshiftStandIn::dir_ = nullptr;

TEST_F(RedshiftStandIn, EventsAreExactlyOnceInBothPropertyTypes) {
  const auto stored =
      testing::WarehouseEventsByUuid(dir_->path() / "events.db", {kDay0, kDay0 + 24 * kHour});
  for (const std::string type : {"varchar", "super"}) {
    const std::string table = "events_" + type;
    std::vector<int> hours;
    for (int h = 0; h < 24; ++h) hours.push_back(h);
    Run("events", Config(table, type), "hour", hours);
    Run("events", Config(table, type), "hour", {4, 4});
    testing::ExpectTableHoldsEvents(Query(std::string("SELECT ") + testing::kWarehouseEventColumns +
                                          " FROM " + schema_ + "." + table),
                                    stored);
    const pg::Result r = Query(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
        "attrelid = '" +
        schema_ + "." + table + "'::regclass AND attname = 'properties'");
    EXPECT_EQ(r.Text(0, 0), type == "super" ? "super" : "character varying(65535)") << type;
  }
}

TEST_F(RedshiftStandIn, PersonsAndSessionsMergeToTheirFinalStateInAnyOrder) {
  // The columns that state a key's final state (a persons row's _inserted_at depends on the
  // interval it came from).
  for (const auto& [model, columns] : std::vector<std::pair<std::string, std::string>>{
           {"persons",
            "team_id, distinct_id, person_id, properties::text, person_version, "
            "person_distinct_id_version, is_deleted"},
           {"sessions",
            "team_id, session_id, distinct_id, start_timestamp, end_timestamp, pageview_count, "
            "autocapture_count, entry_current_url, end_current_url, is_bounce, _inserted_at"}}) {
    Run(model, Config(model + "_daily", "super"), "day", {0});
    std::vector<int> hours;
    for (int h = 12; h < 24; ++h) hours.push_back(h);
    for (int h = 0; h < 12; ++h) hours.push_back(h);
    hours.push_back(3);
    Run(model, Config(model + "_hourly", "super"), "hour", hours);
    const std::string select = "SELECT " + columns + " FROM " + schema_ + ".";
    const pg::Result differ =
        Query("SELECT count(*) FROM ((" + select + model + "_daily EXCEPT ALL " + select + model +
              "_hourly) UNION ALL (" + select + model + "_hourly EXCEPT ALL " + select + model +
              "_daily)) d");
    EXPECT_EQ(differ.Int(0, 0), 0) << model;
    EXPECT_GT(Query("SELECT count(*) FROM " + schema_ + "." + model + "_hourly").Int(0, 0), 500)
        << model;
  }
}

TEST_F(RedshiftStandIn, ConfigNamesItsFields) {
  auto error = [&](json config) {
    try {
      ParseValidExport({{"name", "rs"},
                        {"interval", "hour"},
                        {"destination", {{"type", "Redshift"}, {"config", config}}}});
    } catch (const Error& e) {
      return e.Describe();
    }
    return std::string();
  };
  auto names = [&](json config, const std::string& field) {
    const std::string message = error(config);
    EXPECT_NE(message.find(field), std::string::npos) << message;
  };
  names(Config("t", "json"), "destination.config.properties_data_type");
  json c = Config("t", "super");
  c["mode"] = "bulk";
  names(c, "destination.config.mode");
  c["mode"] = "copy";
  names(c, "destination.config.copy_inputs");
  c["copy_inputs"] = {{"bucket_name", "bx-staging"}, {"region", "us-east-1"}};
  names(c, "destination.config.copy_inputs.iam_role");
  c["copy_inputs"]["iam_role"] = "role";
  names(c, "destination.config.copy_inputs.iam_role");
  c["copy_inputs"]["iam_role"] = "arn:aws:iam::1:role/r\n";
  names(c, "destination.config.copy_inputs.iam_role");
  c["copy_inputs"]["iam_role"] = "arn:aws:iam::1:role/r";
  EXPECT_EQ(error(c), "");
  json not_object = c;
  not_object["copy_inputs"] = "s3://bucket";
  names(not_object, "destination.config.copy_inputs");
  json hostile_prefix = c;
  hostile_prefix["copy_inputs"]["prefix"] = "a/../b";
  names(hostile_prefix, "destination.config.copy_inputs.prefix");
  c["copy_inputs"]["compression"] = "zstd";
  names(c, "destination.config.copy_inputs.compression");
  c["copy_inputs"].erase("compression");
  c["copy_inputs"]["bucket"] = "b";
  names(c, "destination.config.copy_inputs.bucket");
  c.erase("mode");
  names(c, "destination.config.copy_inputs");
  c = Config("t", "super");
  c["bogus"] = 1;
  names(c, "destination.config.bogus");
  c.erase("bogus");
  c.erase("port");
  EXPECT_EQ(error(c), "");
}

// Copy mode on the tests' S3 server: what COPY would load, and what a failed COPY leaves.
class RedshiftCopyMode : public RedshiftStandIn {
 protected:
  void SetUp() override {
    RedshiftStandIn::SetUp();
    ASSERT_FALSE(testing::RgwEndpoint().empty())
        << "no S3 server: these tests need radosgw, which ctest starts through the `rgw` "
           "fixture (BX_RGW_DIR=<dir>), or BX_TEST_S3_ENDPOINT";
    testing::FreshBucket(kBucket);
  }

  json CopyConfig(const std::string& table) {
    json c = Config(table, "super");
    c["mode"] = "copy";
    c["copy_inputs"] = {{"bucket_name", kBucket},
                        {"endpoint_url", testing::RgwEndpoint()},
                        {"prefix", "staging/{year}"},
                        {"aws_access_key_id", testing::kRgwKey},
                        {"aws_secret_access_key", testing::kRgwSecret},
                        {"max_file_size_mb", 0.25}};
    return c;
  }

  static constexpr char kBucket[] = "bx-redshift-staging";
};

TEST_F(RedshiftCopyMode, StagedFilesAndManifestHoldTheIntervalAsGzipJsonLines) {
  const Interval day{kDay0, kDay0 + 24 * kHour};
  const RedshiftConfig config = ParseRedshiftConfig(CopyConfig("events"));
  IntervalTarget target;
  target.interval = day;
  target.schema = &TableSchema(Model::kEvents);
  S3IntervalStaging staging(config.copy->staging, target, StagingSegment(schema_, "events"));
  EmbeddedSource source(dir_->path() / "events.db");
  ExportQuery query;
  query.layout = Layout::kTables;
  query.interval = day;
  auto reader = source.Read(query);
  RecordBatch batch(*target.schema);
  while (reader->Next(batch)) staging.Write(batch);
  DeliveryReport report;
  std::vector<std::pair<std::string, uint64_t>> entries;
  for (const StagedFile& f : staging.Finish(report)) entries.emplace_back(f.url, f.bytes);
  EXPECT_EQ(report.rows, kEvents);
  const std::optional<std::string> manifest_url =
      staging.PutBeside(".redshift-manifest.json", RedshiftManifest(entries));

  const std::string prefix = "staging/2024/" + schema_ + ".events/";
  ASSERT_EQ(manifest_url,
            "s3://" + std::string(kBucket) + "/" + prefix +
                "2024-01-15T00:00:00+00:00-2024-01-16T00:00:00+00:00.redshift-manifest.json");
  s3::S3Client client = testing::RgwClient(kBucket);
  const json manifest =
      json::parse(client.GetObject(manifest_url->substr(manifest_url->find(prefix))));
  ASSERT_GT(manifest["entries"].size(), 1u) << "0.25 MB files: the interval is split";
  const auto stored = testing::WarehouseEventsByUuid(dir_->path() / "events.db", day);
  std::map<std::string, json> staged;
  for (const json& entry : manifest["entries"]) {
    const std::string url = entry["url"];
    EXPECT_TRUE(entry["mandatory"].get<bool>()) << url;
    ASSERT_EQ(url.rfind("s3://" + std::string(kBucket) + "/" + prefix, 0), 0u) << url;
    const std::string body = client.GetObject(url.substr(url.find(prefix)));
    EXPECT_EQ(entry["meta"]["content_length"], body.size()) << url;
    std::istringstream lines(testutil::DecodeStream(Compression::kGzip, body));
    for (std::string line; std::getline(lines, line);) {
      const json row = json::parse(line);
      // COPY's JSON 'auto' matches top-level names to columns; TIMEFORMAT 'auto' reads ISO 8601.
      staged[row["uuid"]] = {
          {"event", row["event"]},
          {"distinct_id", row["distinct_id"]},
          {"person_id", row["person_id"]},
          {"properties", row["properties"]},
          {"person_properties", row["person_properties"]},
          {"team_id", row["team_id"]},
          {"timestamp", ParseIsoTime(row["timestamp"].get<std::string>(), "timestamp")}};
    }
  }
  EXPECT_EQ(staged.size(), stored.size());
  EXPECT_TRUE(staged == stored) << "the staged rows differ from the store's";

  staging.Remove();
  EXPECT_EQ(client.ListAllKeys("staging/"), std::vector<std::string>());
}

// PostgreSQL cannot run Redshift's COPY FROM 's3://...': the run fails there, which shows what
// a failed COPY leaves: no staged object, no row, and no secret in the error.
TEST_F(RedshiftCopyMode, AFailedCopyLeavesNoStagedFilesNoRowsAndNoSecret) {
  try {
    Run("events", CopyConfig("events"), "hour", {3});
    FAIL() << "PostgreSQL ran Redshift's COPY";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "RedshiftError") << e.Describe();
    EXPECT_FALSE(e.retryable()) << e.Describe();
    EXPECT_EQ(e.Describe().find(testing::kRgwSecret), std::string::npos) << e.Describe();
  }
  EXPECT_EQ(testing::RgwClient(kBucket).ListAllKeys(""), std::vector<std::string>());
  EXPECT_EQ(Query("SELECT count(*) FROM " + schema_ + ".events").Int(0, 0), 0);
}

// The live tier, on a real Redshift: runs only when REDSHIFT_TEST_URL
// (postgres://user:password@host:5439/database) is set, and copy mode only with
// REDSHIFT_TEST_S3_BUCKET, REDSHIFT_TEST_S3_REGION and REDSHIFT_TEST_IAM_ROLE (the staging
// bucket's keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Each run uses a fresh schema
// and drops it.
class RedshiftLive : public RedshiftStandIn {
 protected:
  void SetUp() override {
    if (Env("REDSHIFT_TEST_URL").empty()) GTEST_SKIP() << "REDSHIFT_TEST_URL is not set";
    RedshiftStandIn::SetUp();
    conn_ = std::make_unique<pg::Connection>(Env("REDSHIFT_TEST_URL"));
  }
  void TearDown() override {
    if (conn_) conn_->ExecText("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  json LiveConfig(const std::string& table, bool copy) {
    // postgres://user:password@host:port/database
    const std::string url = Env("REDSHIFT_TEST_URL");
    const size_t scheme = url.find("://") + 3, at = url.rfind('@'), colon = url.find(':', scheme);
    const size_t port_at = url.find(':', at), slash = url.find('/', at);
    json c = {{"host", url.substr(at + 1, port_at - at - 1)},
              {"port", std::stoi(url.substr(port_at + 1, slash - port_at - 1))},
              {"database", url.substr(slash + 1)},
              {"user", url.substr(scheme, colon - scheme)},
              {"password", url.substr(colon + 1, at - colon - 1)},
              {"schema", schema_},
              {"table_name", table},
              {"properties_data_type", "super"}};
    if (copy) {
      c["mode"] = "copy";
      c["copy_inputs"] = {{"bucket_name", Env("REDSHIFT_TEST_S3_BUCKET")},
                          {"region", Env("REDSHIFT_TEST_S3_REGION")},
                          {"prefix", "batch-export-test"},
                          {"iam_role", Env("REDSHIFT_TEST_IAM_ROLE")}};
    }
    return c;
  }

  std::unique_ptr<pg::Connection> conn_;
};

TEST_F(RedshiftLive, EventsExactlyOnceAndPersonsMergedInBothModes) {
  std::vector<bool> modes = {false};
  if (!Env("REDSHIFT_TEST_S3_BUCKET").empty()) modes.push_back(true);
  for (const bool copy : modes) {
    const std::string events = copy ? "events_copy" : "events_insert";
    Run("events", LiveConfig(events, copy), "hour", {0, 1, 2, 1});
    const pg::Result r =
        conn_->ExecText("SELECT count(*), count(DISTINCT uuid) FROM " + schema_ + "." + events);
    const auto expected = static_cast<int64_t>(
        testing::WarehouseEventsByUuid(dir_->path() / "events.db", {kDay0, kDay0 + 3 * kHour})
            .size());
    EXPECT_EQ(r.Int(0, 0), expected) << events;
    EXPECT_EQ(r.Int(0, 1), expected) << events;

    const std::string persons = copy ? "persons_copy" : "persons_insert";
    Run("persons", LiveConfig(persons + "_daily", copy), "day", {0});
    std::vector<int> hours;
    for (int h = 23; h >= 0; --h) hours.push_back(h);
    Run("persons", LiveConfig(persons + "_hourly", copy), "hour", hours);
    const std::string select =
        "SELECT team_id, distinct_id, person_id, person_version, person_distinct_id_version, "
        "is_deleted FROM " +
        schema_ + ".";
    for (const auto& [a, b] : {std::pair(persons + "_daily", persons + "_hourly"),
                               std::pair(persons + "_hourly", persons + "_daily")}) {
      EXPECT_EQ(
          conn_->ExecText("SELECT count(*) FROM (" + select + a + " EXCEPT " + select + b + ") d")
              .Int(0, 0),
          0)
          << a << " has rows " << b << " has not";
    }
  }
}

}  // namespace
}  // namespace bx
