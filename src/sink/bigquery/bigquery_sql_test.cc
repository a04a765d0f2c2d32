#include "sink/bigquery/bigquery_sql.h"

#include <gtest/gtest.h>

#include "core/schemas.h"

namespace bx {
namespace {

IntervalTarget Target(Model model) {
  const ModelSpec& spec = GetModelSpec(model, Layout::kTables);
  IntervalTarget target;
  target.interval = {1705276800000000, 1705280400000000};
  target.schema = spec.schema;
  target.key_columns = spec.key_columns;
  target.version_columns = spec.version_columns;
  return target;
}

std::vector<size_t> All(const IntervalTarget& target) {
  std::vector<size_t> columns;
  for (size_t i = 0; i < target.schema->fields.size(); ++i) columns.push_back(i);
  return columns;
}

TEST(BigQuerySql, EventsReplaceTheirIntervalWithValuesAsParameters) {
  IntervalTarget target = Target(Model::kEvents);
  target.team_id = 2;
  target.include_events = {"$pageview", "it's"};
  const BigQueryScript script =
      ReplaceIntervalScript("`p.d.events`", "`p.d.stage`", target, {0, 1, 7, 13}, true);
  EXPECT_EQ(script.sql,
            "BEGIN TRANSACTION;\n"
            "DELETE FROM `p.d.events` WHERE `_inserted_at` >= @interval_start AND `_inserted_at` "
            "< @interval_end AND `team_id` = @team_id AND `event` IN UNNEST(@include_events);\n"
            "INSERT INTO `p.d.events` (`uuid`, `event`, `team_id`, `_inserted_at`, "
            "`bq_ingested_timestamp`) SELECT `uuid`, `event`, `team_id`, `_inserted_at`, "
            "CURRENT_TIMESTAMP() FROM `p.d.stage`;\n"
            "COMMIT TRANSACTION;");
  EXPECT_EQ(script.parameters.dump(),
            R"([{"name":"interval_start","parameterType":{"type":"TIMESTAMP"},)"
            R"("parameterValue":{"value":"2024-01-15T00:00:00.000000+00:00"}},)"
            R"({"name":"interval_end","parameterType":{"type":"TIMESTAMP"},)"
            R"("parameterValue":{"value":"2024-01-15T01:00:00.000000+00:00"}},)"
            R"({"name":"team_id","parameterType":{"type":"INT64"},"parameterValue":{"value":"2"}},)"
            R"({"name":"include_events","parameterType":{"arrayType":{"type":"STRING"},)"
            R"("type":"ARRAY"},"parameterValue":{"arrayValues":[{"value":"$pageview"},)"
            R"({"value":"it's"}]}}])");
}

TEST(BigQuerySql, AnEmptyIntervalOnlyDeletes) {
  const IntervalTarget target = Target(Model::kEvents);
  EXPECT_EQ(ReplaceIntervalScript("`p.d.events`", "", target, All(target), false).sql,
            "BEGIN TRANSACTION;\nDELETE FROM `p.d.events` WHERE `_inserted_at` >= "
            "@interval_start AND `_inserted_at` < @interval_end;\nCOMMIT TRANSACTION;");
}

TEST(BigQuerySql, WithoutTheColumnsTheDeleteNeedsEventsAreMergedByUuid) {
  const IntervalTarget target = Target(Model::kEvents);
  EXPECT_EQ(ReplaceIntervalScript("`t`", "`s`", target, {0, 1}, false).sql, "");
  EXPECT_EQ(MergeScript("`t`", "`s`", target, {0, 1}, false).sql,
            "MERGE INTO `t` AS t\nUSING (SELECT * FROM `s` WHERE TRUE QUALIFY ROW_NUMBER() OVER "
            "(PARTITION BY `uuid` ORDER BY `uuid`) = 1) AS s\nON t.`uuid` = s.`uuid`\n"
            "WHEN MATCHED THEN UPDATE SET `uuid` = s.`uuid`, `event` = s.`event`\n"
            "WHEN NOT MATCHED THEN INSERT (`uuid`, `event`) VALUES (s.`uuid`, s.`event`);");
}

TEST(BigQuerySql, PersonsMergeTheNewestStagedRowWhenNewerThanTheStoredOne) {
  const IntervalTarget target = Target(Model::kPersons);
  const std::string sql = MergeScript("`t`", "`s`", target, All(target), false).sql;
  EXPECT_NE(sql.find("QUALIFY ROW_NUMBER() OVER (PARTITION BY `team_id`, `distinct_id` ORDER BY "
                     "`person_version` DESC, `person_distinct_id_version` DESC) = 1"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find("WHEN MATCHED AND ((t.`person_version` IS NULL OR s.`person_version` > "
                     "t.`person_version`) OR (t.`person_distinct_id_version` IS NULL OR "
                     "s.`person_distinct_id_version` > t.`person_distinct_id_version`)) THEN"),
            std::string::npos)
      << sql;
  EXPECT_EQ(ReplaceIntervalScript("`t`", "`s`", target, All(target), false).sql, "");
}

TEST(BigQuerySql, FieldsFollowTheModelAndTheJsonChoice) {
  const nlohmann::json json = BigQueryFields(TableSchema(Model::kEvents), true, true);
  EXPECT_EQ(json[2].dump(), R"({"mode":"NULLABLE","name":"properties","type":"JSON"})");
  EXPECT_EQ(json.back().dump(),
            R"({"mode":"NULLABLE","name":"bq_ingested_timestamp","type":"TIMESTAMP"})");
  EXPECT_EQ(BigQueryFields(TableSchema(Model::kEvents), false, false)[2]["type"], "STRING");
  EXPECT_EQ(BigQueryFields(FileSchema(Model::kPersons), false, false).back().dump(),
            R"({"mode":"NULLABLE","name":"is_deleted","type":"BOOL"})");
}

}  // namespace
}  // namespace bx
