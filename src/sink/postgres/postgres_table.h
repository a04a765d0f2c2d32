#pragma once
// The destination table of a Postgres export: its column types as the reference product
// creates them, the SQL that creates it, what an existing table has, and the statements that
// move an interval's staged rows into it.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/record_batch.h"
#include "io/postgres/pg_connection.h"
#include "sink/destination.h"
#include "sink/postgres/table_values.h"

namespace bx {

// The quoted names of `columns`, comma-separated, each after `prefix` ("s.").
std::string ColumnList(const Schema& schema, const std::vector<CopyColumn>& columns,
                       const std::string& prefix = "");

// The PostgreSQL type our created table gives `field` of `schema`: events' uuid, event,
// distinct_id, ip and site_url VARCHAR(200) and team_id INTEGER, as the reference; otherwise
// TEXT, JSONB, BIGINT (team_id INTEGER), TIMESTAMPTZ or BOOLEAN by the column's type.
std::string PostgresTypeOf(const Schema& schema, const Field& field);

// Creates the schema and the table when missing (under an advisory lock: two workers creating
// it at once would otherwise collide in the catalog): every column of the target's schema and,
// for a model merged by key, that key as the primary key; for one replaced by interval, an
// index on _inserted_at.
void EnsureTable(pg::Connection& conn, const std::string& schema_name,
                 const std::string& table_name, const IntervalTarget& target);

// The target's columns that the existing table has, in the schema's order, with the declared
// length of VARCHAR(n) columns. Throws a non-retryable PostgresError naming the table and the
// column when a key or version column is missing, and when the table does not exist.
std::vector<CopyColumn> ExistingColumns(pg::Connection& conn, const std::string& schema_name,
                                        const std::string& table_name, const IntervalTarget& target,
                                        bool length_in_bytes = false);

// For a model without version columns (events) whose table has _inserted_at and the columns
// the export's filters need: the DELETE of the rows of the interval the export takes (SQL and
// parameters). Then the rows are copied straight into the table in the same transaction.
// nullopt when the table cannot tell those rows: then they go through a stage (MoveStageSql).
std::optional<std::pair<std::string, pg::Params>> DeleteIntervalSql(
    const std::string& qualified_table, const IntervalTarget& target,
    const std::vector<CopyColumn>& columns);

// The statements, run in one transaction after the rows were copied into `stage`, that make
// the table hold them: for a model without version columns (events), delete the rows whose key
// is staged, then insert the stage; otherwise insert the newest staged row per key, replacing a
// stored one only when it is newer (any version column greater).
std::vector<std::string> MoveStageSql(const std::string& qualified_table, const std::string& stage,
                                      const IntervalTarget& target,
                                      const std::vector<CopyColumn>& columns);

}  // namespace bx
