#pragma once
// What the BigQuery destination asks of BigQuery, as data: a model's table fields, and the
// GoogleSQL that moves an interval's staged rows into the table. Values the user controls
// (event names, the team, the interval's bounds) travel as named query parameters, never in
// the SQL text; names are checked by the config (letters, digits, '_', '-').

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/record_batch.h"
#include "sink/bigquery/bigquery_config.h"
#include "sink/destination.h"

namespace bx {

// Set by BigQuery on the events table when a row is loaded, as the reference's table has it.
inline constexpr char kIngestedTimestamp[] = "bq_ingested_timestamp";

// Table fields ([{"name", "type", "mode"}]) for `schema`: STRING, INT64, TIMESTAMP, BOOL, and
// JSON columns as JSON or STRING; `ingested_timestamp` adds bq_ingested_timestamp.
nlohmann::json BigQueryFields(const Schema& schema, bool use_json_type, bool ingested_timestamp);

// `project.dataset.table` quoted for GoogleSQL.
std::string BigQueryTableName(const BigQueryConfig& config, const std::string& table_id);

struct BigQueryScript {
  std::string sql;
  nlohmann::json parameters = nlohmann::json::array();  // configuration.query.queryParameters
};

// The interval's rows replace the table's, in one transaction: the rows of the interval the
// export takes (by _inserted_at, team and event filters) are deleted, then the stage's
// inserted. `columns`: the schema's columns the table has (by index); `stage` empty when the
// interval has no rows. Nullopt-like empty sql when the table lacks a column the delete needs
// (_inserted_at, or team_id / event under those filters): then MergeScript applies.
BigQueryScript ReplaceIntervalScript(const std::string& table, const std::string& stage,
                                     const IntervalTarget& target,
                                     const std::vector<size_t>& columns, bool ingested_timestamp);

// MERGE of the stage's newest row per key (ROW_NUMBER over the version columns, descending)
// into the table: a stored row is replaced when a version column of the staged one is greater
// (always, without version columns); new keys are inserted.
BigQueryScript MergeScript(const std::string& table, const std::string& stage,
                           const IntervalTarget& target, const std::vector<size_t>& columns,
                           bool ingested_timestamp);

}  // namespace bx
