#pragma once
// Reading the SQLite store's rows back into records (the columns of state/sql_columns.h).

#include <cstdint>
#include <string>
#include <vector>

#include "state/secret_box.h"
#include "state/sqlite/sqlite_db.h"
#include "state/state_store.h"

namespace bx::sqlite {

constexpr int64_t kNoCursor = INT64_MAX;  // "from the newest" for keyset pagination

StoredExport ReadExport(const Statement& q, const SecretBox& secrets);
StoredRun ReadRun(const Statement& q);
StoredBackfill ReadBackfill(const Statement& q);
// The first column of every row: the ids of the runs a change stopped.
std::vector<std::string> RunningIds(Statement& q);

}  // namespace bx::sqlite
