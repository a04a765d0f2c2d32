#include "sink/postgres/postgres_table.h"

#include <fmt/format.h>

#include "base/time.h"
#include "sink/postgres/postgres_config.h"

namespace bx {
namespace {

std::string Names(const Schema& schema, const std::vector<size_t>& indices,
                  const std::string& prefix = "", const std::string& suffix = "") {
  std::string out;
  for (size_t i : indices) {
    if (!out.empty()) out += ", ";
    out += prefix + QuoteIdentifier(schema.fields[i].name) + suffix;
  }
  return out;
}

}  // namespace

std::string ColumnList(const Schema& schema, const std::vector<CopyColumn>& columns,
                       const std::string& prefix) {
  std::string out;
  for (const CopyColumn& c : columns) {
    if (!out.empty()) out += ", ";
    out += prefix + QuoteIdentifier(schema.fields[c.index].name);
  }
  return out;
}

std::string PostgresTypeOf(const Schema& schema, const Field& field) {
  if (field.name == "team_id") return "INTEGER";
  if (schema.table == "events" &&
      (field.name == "uuid" || field.name == "event" || field.name == "distinct_id" ||
       field.name == "ip" || field.name == "site_url")) {
    return "VARCHAR(200)";
  }
  switch (field.type) {
    case ColumnType::kString:
      return "TEXT";
    case ColumnType::kJson:
      return "JSONB";
    case ColumnType::kInt64:
      return "BIGINT";
    case ColumnType::kTimestamp:
      return "TIMESTAMPTZ";
    case ColumnType::kBool:
      return "BOOLEAN";
  }
  return "TEXT";
}

void EnsureTable(pg::Connection& conn, const std::string& schema_name,
                 const std::string& table_name, const IntervalTarget& target) {
  const std::string qualified_table =
      QuoteIdentifier(schema_name) + "." + QuoteIdentifier(table_name);
  const Schema& schema = *target.schema;
  conn.ExecScript("BEGIN");
  conn.ExecText("SELECT pg_advisory_xact_lock(hashtext($1))", pg::Params().Add(qualified_table));
  if (conn.ExecText("SELECT to_regclass($1) IS NOT NULL", pg::Params().Add(qualified_table))
          .Bool(0, 0)) {
    conn.ExecScript("COMMIT");
    return;
  }
  conn.ExecText("CREATE SCHEMA IF NOT EXISTS " + QuoteIdentifier(schema_name));
  std::string sql = "CREATE TABLE " + qualified_table + " (";
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += QuoteIdentifier(schema.fields[i].name) + " " + PostgresTypeOf(schema, schema.fields[i]);
  }
  if (!target.version_columns.empty()) {
    sql += ", PRIMARY KEY (" + Names(schema, target.key_columns) + ")";
  }
  conn.ExecText(sql + ")");
  if (target.version_columns.empty() && schema.IndexOf("_inserted_at") >= 0) {
    // Each run deletes its interval's rows by _inserted_at (DeleteIntervalSql).
    conn.ExecText("CREATE INDEX ON " + qualified_table + " (_inserted_at)");
  }
  conn.ExecScript("COMMIT");
}

std::optional<std::pair<std::string, pg::Params>> DeleteIntervalSql(
    const std::string& qualified_table, const IntervalTarget& target,
    const std::vector<CopyColumn>& columns) {
  const Schema& schema = *target.schema;
  auto has = [&](const char* name) {
    const int index = schema.IndexOf(name);
    for (const CopyColumn& c : columns) {
      if (static_cast<int>(c.index) == index) return true;
    }
    return false;
  };
  const bool events_filtered = !target.include_events.empty() || !target.exclude_events.empty();
  if (!target.version_columns.empty() || !has("_inserted_at") ||
      (target.team_id && !has("team_id")) || (events_filtered && !has("event"))) {
    return std::nullopt;
  }
  std::string sql =
      "DELETE FROM " + qualified_table + " WHERE _inserted_at >= $1 AND _inserted_at < $2";
  pg::Params params;
  params.Add(FormatIsoMicros(target.interval.start)).Add(FormatIsoMicros(target.interval.end));
  int n = 2;
  if (target.team_id) {
    sql += fmt::format(" AND team_id = ${}", ++n);
    params.Add(*target.team_id);
  }
  // One parameter per event name: Redshift has no arrays.
  auto in_list = [&](const std::vector<std::string>& names) {
    std::string list;
    for (const std::string& name : names) {
      list += fmt::format("{}${}", list.empty() ? "" : ", ", ++n);
      params.Add(name);
    }
    return list;
  };
  if (!target.include_events.empty()) {
    sql += " AND event IN (" + in_list(target.include_events) + ")";
  }
  if (!target.exclude_events.empty()) {
    sql += " AND event NOT IN (" + in_list(target.exclude_events) + ")";
  }
  return std::pair(sql, params);
}

std::vector<CopyColumn> ExistingColumns(pg::Connection& conn, const std::string& schema_name,
                                        const std::string& table_name, const IntervalTarget& target,
                                        bool length_in_bytes) {
  const pg::Result r = conn.ExecText(
      "SELECT column_name, character_maximum_length, udt_name FROM information_schema.columns "
      "WHERE table_schema = $1 AND table_name = $2",
      pg::Params().Add(schema_name).Add(table_name));
  const std::string table = QuoteIdentifier(schema_name) + "." + QuoteIdentifier(table_name);
  if (r.rows() == 0) {
    throw conn.PermanentError("table " + table + " does not exist, or this user may not see it");
  }
  const Schema& schema = *target.schema;
  std::vector<CopyColumn> columns;
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    for (int row = 0; row < r.rows(); ++row) {
      if (r.Text(row, 0) != schema.fields[i].name) continue;
      std::optional<size_t> max_length;
      if (!r.IsNull(row, 1)) max_length = static_cast<size_t>(r.Int(row, 1));
      columns.push_back({i, max_length, length_in_bytes, r.Text(row, 2)});
    }
  }
  std::vector<size_t> required = target.key_columns;
  required.insert(required.end(), target.version_columns.begin(), target.version_columns.end());
  for (size_t needed : required) {
    bool found = false;
    for (const CopyColumn& c : columns) found |= c.index == needed;
    if (!found) {
      throw conn.PermanentError(fmt::format(
          "table {} has no column {}, which the export needs to tell rows apart or which is "
          "newer: add it, or export to a new table (it is created with every column)",
          table, QuoteIdentifier(schema.fields[needed].name)));
    }
  }
  return columns;
}

std::vector<std::string> MoveStageSql(const std::string& qualified_table, const std::string& stage,
                                      const IntervalTarget& target,
                                      const std::vector<CopyColumn>& columns) {
  const Schema& schema = *target.schema;
  const std::string list = ColumnList(schema, columns);
  if (target.version_columns.empty()) {
    return {
        fmt::format("DELETE FROM {} t USING (SELECT DISTINCT {} FROM {}) s WHERE {}",
                    qualified_table, Names(schema, target.key_columns), stage,
                    [&] {
                      std::string on;
                      for (size_t k : target.key_columns) {
                        if (!on.empty()) on += " AND ";
                        const std::string name = QuoteIdentifier(schema.fields[k].name);
                        on += "t." + name + " = s." + name;
                      }
                      return on;
                    }()),
        fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", qualified_table, list, list, stage)};
  }
  std::string newer;
  for (size_t v : target.version_columns) {
    if (!newer.empty()) newer += " OR ";
    const std::string name = QuoteIdentifier(schema.fields[v].name);
    newer += "EXCLUDED." + name + " > t." + name;
  }
  std::string updates;
  for (const CopyColumn& c : columns) {
    if (!updates.empty()) updates += ", ";
    const std::string name = QuoteIdentifier(schema.fields[c.index].name);
    updates += name + " = EXCLUDED." + name;
  }
  const std::string keys = Names(schema, target.key_columns);
  // The stage may hold a key twice (a run's rows are not merged): its newest row goes in.
  return {fmt::format(
      "INSERT INTO {} AS t ({}) SELECT DISTINCT ON ({}) {} FROM {} ORDER BY {}, {} "
      "ON CONFLICT ({}) DO UPDATE SET {} WHERE {}",
      qualified_table, list, keys, list, stage, keys,
      Names(schema, target.version_columns, "", " DESC NULLS LAST"), keys, updates, newer)};
}

}  // namespace bx
