// The Redshift destination: golden tests of the statements against the Redshift SQL reference
// (MERGE names its target by the table, never an alias; JSON_PARSE for SUPER; no arrays), and
// the insert mode run end to end on the tests' PostgreSQL 15 as a Redshift stand-in: a `super`
// domain over jsonb and a `json_parse(text)` function (PostgreSQL 15 has MERGE).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/schemas.h"
#include "pipeline/export_run.h"
#include "sink/all/destinations.h"
#include "sink/postgres/redshift_sql.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_loader.h"
#include "testing/pg_test_support.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

using json = nlohmann::json;
namespace pgt = pg::testing;

constexpr Micros kHour = 3600 * kMicrosPerSecond;
constexpr Micros kDay0 = 1705276800LL * kMicrosPerSecond;  // 2024-01-15T00:00:00Z

IntervalTarget Target(Model model) {
  const ModelSpec& spec = GetModelSpec(model, Layout::kTables);
  IntervalTarget t;
  t.schema = spec.schema;
  t.key_columns = spec.key_columns;
  t.version_columns = spec.version_columns;
  return t;
}

std::vector<CopyColumn> AllColumns(const Schema& schema) {
  std::vector<CopyColumn> out;
  for (size_t i = 0; i < schema.fields.size(); ++i) out.push_back({i, std::nullopt, true});
  return out;
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
  const std::vector<CopyColumn> columns = {{0, {}, true}, {3, {}, true}, {8, {}, true}};
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
      {static_cast<size_t>(schema.IndexOf("session_id")), {}, true},
      {static_cast<size_t>(schema.IndexOf("team_id")), {}, true},
      {static_cast<size_t>(schema.IndexOf("end_timestamp")), {}, true},
      {static_cast<size_t>(schema.IndexOf("_inserted_at")), {}, true}};
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
    const std::string url = pgt::ServerUrl();
    const size_t at = url.find('@') + 1, colon = url.find(':', at), slash = url.find('/', colon);
    return {{"host", url.substr(at, colon - at)},
            {"port", std::stoi(url.substr(colon + 1, slash - colon - 1))},
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
  for (const std::string type : {"varchar", "super"}) {
    const std::string table = "events_" + type;
    std::vector<int> hours;
    for (int h = 0; h < 24; ++h) hours.push_back(h);
    Run("events", Config(table, type), "hour", hours);
    Run("events", Config(table, type), "hour", {4, 4});
    const pg::Result r = Query(
        "SELECT count(*), count(DISTINCT uuid), pg_typeof(min(properties)) "
        "FROM " +
        schema_ + "." + table);
    EXPECT_EQ(r.Int(0, 0), static_cast<int64_t>(kEvents)) << type;
    EXPECT_EQ(r.Int(0, 1), static_cast<int64_t>(kEvents)) << type;
    EXPECT_EQ(r.Text(0, 2), type == "super" ? "super" : "character varying") << type;
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
  json c = Config("t", "json");
  EXPECT_NE(error(c).find("destination.config.properties_data_type"), std::string::npos);
  c = Config("t", "super");
  c["mode"] = "copy";
  EXPECT_NE(error(c).find("destination.config.mode"), std::string::npos);
  c = Config("t", "super");
  c["bogus"] = 1;
  EXPECT_NE(error(c).find("destination.config.bogus"), std::string::npos);
  c.erase("bogus");
  c.erase("port");
  EXPECT_EQ(error(c), "");
}

}  // namespace
}  // namespace bx
