#pragma once
// The statements the Redshift destination sends, as text, so that golden tests can hold them
// against the Redshift SQL reference and the tests' PostgreSQL stand-in can run them.

#include <string>
#include <vector>

#include "sink/destination.h"
#include "sink/postgres/copy_text.h"

namespace bx {

// The Redshift type of `field`: events' uuid, event, distinct_id, ip and site_url VARCHAR(200),
// team_id INTEGER, other text VARCHAR(65535) (Redshift's TEXT is VARCHAR(256)), JSON SUPER or
// VARCHAR(65535), BIGINT, TIMESTAMPTZ, BOOLEAN.
std::string RedshiftTypeOf(const Schema& schema, const Field& field, bool super_json);

std::string RedshiftCreateTableSql(const std::string& qualified_table, const IntervalTarget& target,
                                   bool super_json);

// INSERT INTO `table` (columns) VALUES ($1, JSON_PARSE($2), ...), (...) for `rows` rows.
std::string RedshiftInsertSql(const std::string& table, const Schema& schema,
                              const std::vector<CopyColumn>& columns, size_t rows, bool super_json);

// After the stage holds the run's rows: keep the newest staged row per key, drop staged rows
// not newer than the table's (any version column greater is newer), then MERGE the rest.
std::vector<std::string> RedshiftMergeSql(const std::string& qualified_table,
                                          const std::string& stage, const IntervalTarget& target,
                                          const std::vector<CopyColumn>& columns);

}  // namespace bx
