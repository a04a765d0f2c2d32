#pragma once
// SQLite helpers shared by the embedded store's writers and readers: errors as bx::Error
// (SourceError, retryable when the store is busy), opening, binding and reading columns.

#include <filesystem>
#include <string>
#include <string_view>

#include "base/error.h"
#include "core/record_batch.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bx::store_sql {

Error StoreError(sqlite3* db, const std::string& what);
void Exec(sqlite3* db, const char* sql);
// Opens with `flags` (plus no mutex) and a busy timeout; throws StoreError.
sqlite3* Open(const std::filesystem::path& path, int flags);
// Opens an existing store read-only, with a bounded page cache; throws SourceError naming the
// path when it does not exist.
sqlite3* OpenForReading(const std::filesystem::path& path);
// Prepares `sql`; on failure throws what went wrong, closing nothing.
sqlite3_stmt* Prepare(sqlite3* db, const char* sql, const std::string& what);
// Binds without a copy: `value` must outlive the statement's next step.
void BindText(sqlite3_stmt* stmt, int index, std::string_view value);
// Whether `table` exists and has `column`.
bool HasColumn(sqlite3* db, const char* table, const char* column);
// Appends column `index` of the current row to `column` (NULL as a null); `known_clean`: see
// Column::KnownClean.
void AppendText(sqlite3_stmt* stmt, int index, Column& column, bool known_clean = false);
void AppendInt(sqlite3_stmt* stmt, int index, Column& column);
// Column `index` of the current row as text ("" for NULL).
std::string_view ColumnText(sqlite3_stmt* stmt, int index);

// Resets a statement and clears its bindings when it goes out of scope, so that its read ends
// before the next write.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ResetOnExit();
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace bx::store_sql
