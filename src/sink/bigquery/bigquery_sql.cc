#include "sink/bigquery/bigquery_sql.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/strings.h"
#include "base/time.h"

namespace bx {
namespace {

std::string Quoted(const std::string& name) { return "`" + name + "`"; }

std::string TypeName(ColumnType type, bool use_json_type) {
  switch (type) {
    case ColumnType::kString:
      return "STRING";
    case ColumnType::kJson:
      return use_json_type ? "JSON" : "STRING";
    case ColumnType::kInt64:
      return "INT64";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
    case ColumnType::kBool:
      return "BOOL";
  }
  return "STRING";
}

nlohmann::json Parameter(const std::string& name, const std::string& type,
                         const std::string& value) {
  return {
      {"name", name}, {"parameterType", {{"type", type}}}, {"parameterValue", {{"value", value}}}};
}

nlohmann::json StringArrayParameter(const std::string& name,
                                    const std::vector<std::string>& values) {
  nlohmann::json array = nlohmann::json::array();
  for (const std::string& v : values) array.push_back({{"value", v}});
  return {{"name", name},
          {"parameterType", {{"type", "ARRAY"}, {"arrayType", {{"type", "STRING"}}}}},
          {"parameterValue", {{"arrayValues", array}}}};
}

bool Has(const Schema& schema, const std::vector<size_t>& columns, const char* name) {
  const int index = schema.IndexOf(name);
  return index >= 0 &&
         std::find(columns.begin(), columns.end(), static_cast<size_t>(index)) != columns.end();
}

std::vector<std::string> Names(const Schema& schema, const std::vector<size_t>& columns,
                               const std::string& prefix) {
  std::vector<std::string> out;
  for (size_t c : columns) out.push_back(prefix + Quoted(schema.fields[c].name));
  return out;
}

}  // namespace

nlohmann::json BigQueryFields(const Schema& schema, bool use_json_type, bool ingested_timestamp) {
  nlohmann::json fields = nlohmann::json::array();
  for (const Field& f : schema.fields) {
    fields.push_back(
        {{"name", f.name}, {"type", TypeName(f.type, use_json_type)}, {"mode", "NULLABLE"}});
  }
  if (ingested_timestamp) {
    fields.push_back({{"name", kIngestedTimestamp}, {"type", "TIMESTAMP"}, {"mode", "NULLABLE"}});
  }
  return fields;
}

std::string BigQueryTableName(const BigQueryConfig& config, const std::string& table_id) {
  return Quoted(config.project_id + "." + config.dataset_id + "." + table_id);
}

BigQueryScript ReplaceIntervalScript(const std::string& table, const std::string& stage,
                                     const IntervalTarget& target,
                                     const std::vector<size_t>& columns, bool ingested_timestamp) {
  const Schema& schema = *target.schema;
  const bool filtered = !target.include_events.empty() || !target.exclude_events.empty();
  if (!target.version_columns.empty() || !Has(schema, columns, "_inserted_at") ||
      (target.team_id && !Has(schema, columns, "team_id")) ||
      (filtered && !Has(schema, columns, "event"))) {
    return {};
  }
  BigQueryScript script;
  std::string where = "`_inserted_at` >= @interval_start AND `_inserted_at` < @interval_end";
  script.parameters.push_back(
      Parameter("interval_start", "TIMESTAMP", FormatIsoMicros(target.interval.start)));
  script.parameters.push_back(
      Parameter("interval_end", "TIMESTAMP", FormatIsoMicros(target.interval.end)));
  if (target.team_id) {
    where += " AND `team_id` = @team_id";
    script.parameters.push_back(Parameter("team_id", "INT64", std::to_string(*target.team_id)));
  }
  if (!target.include_events.empty()) {
    where += " AND `event` IN UNNEST(@include_events)";
    script.parameters.push_back(StringArrayParameter("include_events", target.include_events));
  }
  if (!target.exclude_events.empty()) {
    where += " AND `event` NOT IN UNNEST(@exclude_events)";
    script.parameters.push_back(StringArrayParameter("exclude_events", target.exclude_events));
  }
  script.sql = "BEGIN TRANSACTION;\nDELETE FROM " + table + " WHERE " + where + ";\n";
  if (!stage.empty()) {
    std::vector<std::string> into = Names(schema, columns, ""), select = into;
    if (ingested_timestamp) {
      into.push_back(Quoted(kIngestedTimestamp));
      select.push_back("CURRENT_TIMESTAMP()");
    }
    script.sql += fmt::format("INSERT INTO {} ({}) SELECT {} FROM {};\n", table, Join(into, ", "),
                              Join(select, ", "), stage);
  }
  script.sql += "COMMIT TRANSACTION;";
  return script;
}

BigQueryScript MergeScript(const std::string& table, const std::string& stage,
                           const IntervalTarget& target, const std::vector<size_t>& columns,
                           bool ingested_timestamp) {
  const Schema& schema = *target.schema;
  std::vector<std::string> keys, on, order, newer;
  for (size_t k : target.key_columns) {
    const std::string name = Quoted(schema.fields[k].name);
    keys.push_back(name);
    on.push_back("t." + name + " = s." + name);
  }
  for (size_t v : target.version_columns) {
    const std::string name = Quoted(schema.fields[v].name);
    order.push_back(name + " DESC");
    // A stored NULL version is older than any staged one.
    newer.push_back(fmt::format("(t.{0} IS NULL OR s.{0} > t.{0})", name));
  }
  if (order.empty()) order = keys;
  std::vector<std::string> names = Names(schema, columns, ""),
                           values = Names(schema, columns, "s.");
  std::vector<std::string> set;
  for (size_t c : columns) {
    const std::string name = Quoted(schema.fields[c].name);
    set.push_back(name + " = s." + name);
  }
  if (ingested_timestamp) {
    names.push_back(Quoted(kIngestedTimestamp));
    values.push_back("CURRENT_TIMESTAMP()");
    set.push_back(Quoted(kIngestedTimestamp) + " = CURRENT_TIMESTAMP()");
  }
  BigQueryScript script;
  script.sql = fmt::format(
      "MERGE INTO {} AS t\nUSING (SELECT * FROM {} WHERE TRUE QUALIFY ROW_NUMBER() OVER "
      "(PARTITION BY {} ORDER BY {}) = 1) AS s\nON {}\nWHEN MATCHED{} THEN UPDATE SET {}\n"
      "WHEN NOT MATCHED THEN INSERT ({}) VALUES ({});",
      table, stage, Join(keys, ", "), Join(order, ", "), Join(on, " AND "),
      newer.empty() ? "" : " AND (" + Join(newer, " OR ") + ")", Join(set, ", "), Join(names, ", "),
      Join(values, ", "));
  return script;
}

}  // namespace bx
