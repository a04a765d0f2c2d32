#include "sink/redshift/redshift_sql.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "sink/postgres/postgres_config.h"
#include "sink/postgres/postgres_table.h"

namespace bx {
namespace {

std::string Name(const Schema& schema, size_t index) {
  return QuoteIdentifier(schema.fields[index].name);
}

}  // namespace

std::string RedshiftTypeOf(const Schema& schema, const Field& field, bool super_json) {
  // PostgreSQL's, but Redshift's TEXT is VARCHAR(256) and it has no JSONB.
  const std::string type = PostgresTypeOf(schema, field);
  if (type == "TEXT") return "VARCHAR(65535)";
  if (type == "JSONB") return super_json ? "SUPER" : "VARCHAR(65535)";
  return type;
}

std::string RedshiftCreateTableSql(const std::string& qualified_table, const IntervalTarget& target,
                                   bool super_json) {
  const Schema& schema = *target.schema;
  std::vector<std::string> columns;
  for (const Field& f : schema.fields) {
    columns.push_back(QuoteIdentifier(f.name) + " " + RedshiftTypeOf(schema, f, super_json));
  }
  return "CREATE TABLE IF NOT EXISTS " + qualified_table + " (" + Join(columns, ", ") + ")";
}

std::string RedshiftInsertSql(const std::string& table, const Schema& schema,
                              const std::vector<CopyColumn>& columns, size_t rows,
                              bool super_json) {
  std::string sql = "INSERT INTO " + table + " (" + ColumnList(schema, columns) + ") VALUES ";
  size_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql += ", ";
      const bool json = schema.fields[columns[i].index].type == ColumnType::kJson;
      sql += super_json && json ? fmt::format("JSON_PARSE(${})", ++n) : fmt::format("${}", ++n);
    }
    sql += ")";
  }
  return sql;
}

std::vector<std::string> RedshiftMergeSql(const std::string& qualified_table,
                                          const std::string& stage, const IntervalTarget& target,
                                          const std::vector<CopyColumn>& columns) {
  const Schema& schema = *target.schema;
  const std::string newest = stage + "_newest";
  std::vector<std::string> names, keys, order, on, older, set, values;
  for (const CopyColumn& c : columns) {
    const std::string name = Name(schema, c.index);
    names.push_back(name);
    set.push_back(name + " = s." + name);
    values.push_back("s." + name);
  }
  for (size_t k : target.key_columns) {
    keys.push_back(Name(schema, k));
    // Redshift's MERGE and DELETE name their target by the table, never an alias.
    on.push_back(qualified_table + "." + Name(schema, k) + " = s." + Name(schema, k));
  }
  for (size_t v : target.version_columns) {
    order.push_back(Name(schema, v) + " DESC");
    older.push_back(newest + "." + Name(schema, v) + " <= " + qualified_table + "." +
                    Name(schema, v));
  }
  std::vector<std::string> same_key;
  for (size_t k : target.key_columns) {
    same_key.push_back(qualified_table + "." + Name(schema, k) + " = " + newest + "." +
                       Name(schema, k));
  }
  const std::string list = Join(names, ", ");
  return {// The newest staged row per key: MERGE refuses two source rows for one target row.
          fmt::format("CREATE TEMP TABLE {} AS SELECT {} FROM (SELECT {}, ROW_NUMBER() OVER "
                      "(PARTITION BY {} ORDER BY {}) AS bx_rank FROM {}) ranked WHERE bx_rank = 1",
                      newest, list, list, Join(keys, ", "), Join(order, ", "), stage),
          // MERGE has no condition on WHEN MATCHED: staged rows no newer than the stored ones (no
          // version column greater) go first.
          fmt::format("DELETE FROM {} USING {} WHERE {} AND {}", newest, qualified_table,
                      Join(same_key, " AND "), Join(older, " AND ")),
          fmt::format("MERGE INTO {} USING {} s ON {} WHEN MATCHED THEN UPDATE SET {} "
                      "WHEN NOT MATCHED THEN INSERT ({}) VALUES ({})",
                      qualified_table, newest, Join(on, " AND "), Join(set, ", "), list,
                      Join(values, ", "))};
}

std::string QuoteLiteral(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

std::string RedshiftCopySql(const std::string& into, const Schema& schema,
                            const std::vector<CopyColumn>& columns, const std::string& manifest_url,
                            const RedshiftCopyAuthorization& authorization,
                            const std::string& region) {
  std::string auth;
  if (!authorization.iam_role.empty()) {
    auth = "IAM_ROLE " + QuoteLiteral(authorization.iam_role);
  } else {
    auth = "ACCESS_KEY_ID " + QuoteLiteral(authorization.access_key_id) + " SECRET_ACCESS_KEY " +
           QuoteLiteral(authorization.secret_access_key);
    if (!authorization.session_token.empty()) {
      auth += " SESSION_TOKEN " + QuoteLiteral(authorization.session_token);
    }
  }
  return fmt::format(
      "COPY {} ({}) FROM {} {} REGION {} MANIFEST FORMAT AS JSON 'auto' GZIP TIMEFORMAT 'auto' "
      "TRUNCATECOLUMNS ACCEPTINVCHARS",
      into, ColumnList(schema, columns), QuoteLiteral(manifest_url), auth, QuoteLiteral(region));
}

std::string RedshiftManifest(const std::vector<std::pair<std::string, uint64_t>>& urls_and_sizes) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const auto& [url, size] : urls_and_sizes) {
    entries.push_back({{"url", url}, {"mandatory", true}, {"meta", {{"content_length", size}}}});
  }
  return nlohmann::ordered_json{{"entries", entries}}.dump();
}

}  // namespace bx
