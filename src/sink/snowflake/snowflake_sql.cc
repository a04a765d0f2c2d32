#include "sink/snowflake/snowflake_sql.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/strings.h"
#include "base/time.h"

namespace bx {
namespace {

std::string TypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "STRING";
    case ColumnType::kJson:
      return "VARIANT";
    case ColumnType::kInt64:
      return "INTEGER";
    case ColumnType::kTimestamp:
      return "TIMESTAMP_NTZ";
    case ColumnType::kBool:
      return "BOOLEAN";
  }
  return "STRING";
}

bool Has(const Schema& schema, const std::vector<size_t>& columns, const char* name) {
  const int index = schema.IndexOf(name);
  return index >= 0 &&
         std::find(columns.begin(), columns.end(), static_cast<size_t>(index)) != columns.end();
}

std::string Timestamp(Micros t) {
  // '2024-01-15T00:00:00.000000+00:00' read as TIMESTAMP_NTZ in UTC.
  return "TO_TIMESTAMP_NTZ(" + SnowflakeString(FormatIsoMicros(t).substr(0, 26)) + ")";
}

std::string List(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& n : names) quoted.push_back(SnowflakeString(n));
  return Join(quoted, ", ");
}

}  // namespace

std::string SnowflakeIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string SnowflakeString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string SnowflakeTableName(const SnowflakeConfig& config, const std::string& table) {
  return SnowflakeIdentifier(config.database) + "." + SnowflakeIdentifier(config.schema) + "." +
         SnowflakeIdentifier(table);
}

std::string SnowflakeCreateTableSql(const std::string& table, const Schema& schema) {
  std::vector<std::string> columns;
  for (const Field& f : schema.fields) {
    columns.push_back(SnowflakeIdentifier(f.name) + " " + TypeName(f.type));
  }
  return fmt::format("CREATE TABLE IF NOT EXISTS {} ({})", table, Join(columns, ", "));
}

std::string SnowflakeColumnsQuery(const SnowflakeConfig& config) {
  return fmt::format(
      "SELECT column_name FROM {}.INFORMATION_SCHEMA.COLUMNS WHERE table_schema = {} AND "
      "table_name = {}",
      SnowflakeIdentifier(config.database), SnowflakeString(config.schema),
      SnowflakeString(config.table_name));
}

std::string SnowflakeCreateStageSql(const std::string& stage, const std::string& table) {
  return fmt::format("CREATE OR REPLACE TRANSIENT TABLE {} LIKE {}", stage, table);
}

std::string SnowflakeCopySql(const std::string& stage, const std::string& location,
                             const std::vector<std::string>& files,
                             const SnowflakeStageAccess& access) {
  std::string auth;
  if (!access.storage_integration.empty()) {
    auth = "STORAGE_INTEGRATION = " + SnowflakeIdentifier(access.storage_integration);
  } else {
    auth = fmt::format(
        "CREDENTIALS = (AWS_KEY_ID = {} AWS_SECRET_KEY = {}{})", SnowflakeString(access.aws_key_id),
        SnowflakeString(access.aws_secret_key),
        access.aws_token.empty() ? "" : " AWS_TOKEN = " + SnowflakeString(access.aws_token));
  }
  // FORCE: the stage is this attempt's own table, so no file was loaded into it before.
  return fmt::format(
      "COPY INTO {} FROM {} {} FILES = ({}) FILE_FORMAT = (TYPE = JSON COMPRESSION = GZIP) "
      "MATCH_BY_COLUMN_NAME = CASE_SENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE",
      stage, SnowflakeString(location), auth, List(files));
}

std::vector<std::string> SnowflakeMoveStatements(const std::string& table, const std::string& stage,
                                                 const IntervalTarget& target,
                                                 const std::vector<size_t>& columns,
                                                 bool stage_has_rows) {
  const Schema& schema = *target.schema;
  std::vector<std::string> names;
  for (size_t c : columns) names.push_back(SnowflakeIdentifier(schema.fields[c].name));
  const std::string list = Join(names, ", ");
  const bool filtered = !target.include_events.empty() || !target.exclude_events.empty();
  const bool replace = target.version_columns.empty() && Has(schema, columns, "_inserted_at") &&
                       (!target.team_id || Has(schema, columns, "team_id")) &&
                       (!filtered || Has(schema, columns, "event"));
  std::vector<std::string> out = {"BEGIN"};
  if (replace) {
    std::string where =
        fmt::format("\"_inserted_at\" >= {} AND \"_inserted_at\" < {}",
                    Timestamp(target.interval.start), Timestamp(target.interval.end));
    if (target.team_id) where += fmt::format(" AND \"team_id\" = {}", *target.team_id);
    if (!target.include_events.empty()) {
      where += " AND \"event\" IN (" + List(target.include_events) + ")";
    }
    if (!target.exclude_events.empty()) {
      where += " AND \"event\" NOT IN (" + List(target.exclude_events) + ")";
    }
    out.push_back(fmt::format("DELETE FROM {} WHERE {}", table, where));
    if (stage_has_rows) {
      out.push_back(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", table, list, list, stage));
    }
  } else if (stage_has_rows) {
    std::vector<std::string> keys, on, order, newer, set, values;
    for (size_t k : target.key_columns) {
      const std::string n = SnowflakeIdentifier(schema.fields[k].name);
      keys.push_back(n);
      on.push_back("t." + n + " = s." + n);
    }
    for (size_t v : target.version_columns) {
      const std::string n = SnowflakeIdentifier(schema.fields[v].name);
      order.push_back(n + " DESC");
      newer.push_back(fmt::format("(t.{0} IS NULL OR s.{0} > t.{0})", n));
    }
    if (order.empty()) order = keys;
    for (const std::string& n : names) {
      set.push_back(n + " = s." + n);
      values.push_back("s." + n);
    }
    out.push_back(fmt::format(
        "MERGE INTO {} t USING (SELECT {} FROM {} QUALIFY ROW_NUMBER() OVER (PARTITION BY {} "
        "ORDER BY {}) = 1) s ON {} WHEN MATCHED{} THEN UPDATE SET {} WHEN NOT MATCHED THEN "
        "INSERT ({}) VALUES ({})",
        table, list, stage, Join(keys, ", "), Join(order, ", "), Join(on, " AND "),
        newer.empty() ? "" : " AND (" + Join(newer, " OR ") + ")", Join(set, ", "), list,
        Join(values, ", ")));
  }
  out.push_back("COMMIT");
  return out;
}

}  // namespace bx
