#pragma once
// For tests and benchmarks: the throwaway ClickHouse server of the ctest fixture `clickhouse`
// (scripts/start-clickhouse), a fresh database in it with the reference system's tables in the
// old servers' form (clickhouse_queries.h, kSplitMicros), and an
// embedded store's rows copied into them, so that both sources hold the same data.

#include <filesystem>
#include <string>

#include "source/clickhouse/clickhouse_client.h"

namespace bx::testing {

// http://127.0.0.1:<port> from BX_CH_DIR/url. A missing server fails the test; it never skips.
std::string ClickHouseHttpUrl();

// A new database with empty `events`, `person` and `person_distinct_id2` tables; returns the
// clickhouse:// URL of the `default` user for it.
std::string CreateClickHouseDatabase(const std::string& name);

struct CopyOptions {
  // Every n-th event goes in with inserted_at NULL (and its time in _timestamp): the source's
  // fallback. 0: none.
  size_t null_inserted_at_every = 0;
  // Rows per INSERT.
  size_t rows_per_insert = 50'000;
};

// Copies the store's events, person_changes and distinct_id_changes into the database's tables
// (a person change is a `person` row of its version, its ingestion time in `_timestamp`).
// Returns the number of events copied.
size_t CopyStoreToClickHouse(const std::filesystem::path& store, ClickHouseClient& client,
                             const CopyOptions& options = {});

// Runs `sql` (INSERT ... FORMAT TabSeparated) with `rows` as its body.
void InsertTsv(ClickHouseClient& client, const std::string& insert, const std::string& rows);

// Appends `text` escaped for TabSeparated input.
void AppendTsv(std::string_view text, std::string& out);
// "YYYY-MM-DD hh:mm:ss\t<microseconds>": a split DateTime column pair.
void AppendTsvTime(int64_t micros, std::string& out);

}  // namespace bx::testing
