#pragma once
// The statements the Redshift destination sends, as text, so that golden tests can hold them
// against the Redshift SQL reference and the tests' PostgreSQL stand-in can run them.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sink/destination.h"
#include "sink/postgres/table_values.h"

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

// How COPY may read the staged files: IAM_ROLE, or the access keys (secret: never log the
// statement).
struct RedshiftCopyAuthorization {
  std::string iam_role;
  std::string access_key_id, secret_access_key, session_token;
};

// COPY `into` (columns) FROM the manifest: gzip JSON lines whose top-level names are the column
// names; timestamps in ISO 8601; text longer than its column cut, invalid UTF-8 replaced.
std::string RedshiftCopySql(const std::string& into, const Schema& schema,
                            const std::vector<CopyColumn>& columns, const std::string& manifest_url,
                            const RedshiftCopyAuthorization& authorization,
                            const std::string& region);

// The manifest of the staged files: {"entries": [{"url", "mandatory": true, "meta":
// {"content_length"}}]}; COPY fails when a listed file is missing rather than load less.
std::string RedshiftManifest(const std::vector<std::pair<std::string, uint64_t>>& urls_and_sizes);

// `text` as a SQL string literal ('it''s').
std::string QuoteLiteral(const std::string& text);

}  // namespace bx
