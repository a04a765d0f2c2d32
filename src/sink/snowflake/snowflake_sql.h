#pragma once
// The Snowflake destination's statements as text (golden-tested). Identifiers are always
// quoted (so the table's lower-case column names stay as the reference has them); string
// literals escape '\' and '\'' as Snowflake reads them.

#include <string>
#include <vector>

#include "core/record_batch.h"
#include "sink/destination.h"
#include "sink/snowflake/snowflake_config.h"

namespace bx {

std::string SnowflakeIdentifier(const std::string& name);  // "name", '"' doubled
std::string SnowflakeString(std::string_view text);        // 'text', escaped
// "DATABASE"."SCHEMA"."table"
std::string SnowflakeTableName(const SnowflakeConfig& config, const std::string& table);

// CREATE TABLE IF NOT EXISTS with the model's columns: STRING, VARIANT (JSON), INTEGER,
// TIMESTAMP_NTZ (UTC), BOOLEAN.
std::string SnowflakeCreateTableSql(const std::string& table, const Schema& schema);
// The table's column names (one row each).
std::string SnowflakeColumnsQuery(const SnowflakeConfig& config);
// A stage of this attempt with the table's columns; TRANSIENT: no fail-safe storage is kept.
std::string SnowflakeCreateStageSql(const std::string& stage, const std::string& table);

// How COPY reads the staged files: a storage integration's name, or else access keys.
struct SnowflakeStageAccess {
  std::string storage_integration;
  std::string aws_key_id, aws_secret_key, aws_token;
};

// COPY INTO the stage from `files` (names relative to `location`, an s3:// URL ending in '/'):
// gzip JSON lines, keys matched to the columns by name.
std::string SnowflakeCopySql(const std::string& stage, const std::string& location,
                             const std::vector<std::string>& files,
                             const SnowflakeStageAccess& access);

// The statements that move the stage's rows into the table in one transaction: events replace
// the interval's rows the export takes (by _inserted_at, team and event filters), persons and
// sessions are merged (the newest staged row per key, replacing a stored one only when a
// version column is greater). `columns`: the schema's columns the table has.
std::vector<std::string> SnowflakeMoveStatements(const std::string& table, const std::string& stage,
                                                 const IntervalTarget& target,
                                                 const std::vector<size_t>& columns,
                                                 bool stage_has_rows);

}  // namespace bx
