#include "source/embedded/store_sql.h"

#include <sqlite3.h>

namespace bx::store_sql {

Error StoreError(sqlite3* db, const std::string& what) {
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  const bool busy = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
  return Error(busy ? ErrorKind::kRetryable : ErrorKind::kNonRetryable, "SourceError",
               what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw Error(ErrorKind::kNonRetryable, "SourceError", std::string("embedded store: ") + text);
  }
}

sqlite3* Open(const std::filesystem::path& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    Error e = StoreError(db, "cannot open embedded store '" + path.string() + "'");
    sqlite3_close(db);
    throw e;
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

sqlite3* OpenForReading(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    throw Error(ErrorKind::kNonRetryable, "SourceError",
                "embedded store '" + path.string() +
                    "' does not exist; create it with 'batch-export events generate' or the "
                    "capture endpoint");
  }
  sqlite3* db = Open(path, SQLITE_OPEN_READONLY);
  // Pages are read with pread into a 2 MiB cache, not through a memory map: a map leaves every
  // page of the interval in the process's RSS (1 GiB for a day of 1M events, which an operator
  // or a container limit sees), and its page faults cost as much CPU as the copies they spare
  // (bench/vs-duckdb; issue #19's note has the figures). A scan in inserted_at order revisits
  // few pages: a cache of 8 MiB read no faster (paired runs), only held 6 MiB more.
  sqlite3_exec(db, "PRAGMA mmap_size=0; PRAGMA cache_size=-2048", nullptr, nullptr, nullptr);
  return db;
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql, const std::string& what) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) throw StoreError(db, what);
  return stmt;
}

void BindText(sqlite3_stmt* stmt, int index, std::string_view value) {
  sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
}

bool HasColumn(sqlite3* db, const char* table, const char* column) {
  sqlite3_stmt* stmt = Prepare(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
                               "reading the embedded store's schema");
  BindText(stmt, 1, table);
  BindText(stmt, 2, column);
  const int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    throw StoreError(db, "reading the embedded store's schema");
  }
  return rc == SQLITE_ROW;
}

// The value is taken once (sqlite3_column_value) and read by the sqlite3_value_* functions:
// each sqlite3_column_* call enters and leaves the connection and checks for a failed malloc,
// which was a sixth of the read path's CPU. Its value is "unprotected", safe here because a
// reader's connection is used by one thread only (SQLITE_OPEN_NOMUTEX).
void AppendText(sqlite3_stmt* stmt, int index, Column& column, bool known_clean) {
  sqlite3_value* value = sqlite3_column_value(stmt, index);
  // Text first: no pointer means NULL (or no memory), which the type then tells apart.
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  if (text == nullptr) {
    if (sqlite3_value_type(value) != SQLITE_NULL) {
      throw StoreError(sqlite3_db_handle(stmt), "reading a value of the embedded store");
    }
    column.AppendNull();
    return;
  }
  column.AppendString({text, static_cast<size_t>(sqlite3_value_bytes(value))}, known_clean);
}

void AppendInt(sqlite3_stmt* stmt, int index, Column& column) {
  sqlite3_value* value = sqlite3_column_value(stmt, index);
  if (sqlite3_value_type(value) == SQLITE_NULL) {
    column.AppendNull();
  } else {
    column.AppendInt(sqlite3_value_int64(value));
  }
}

std::string_view ColumnText(sqlite3_stmt* stmt, int index) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, index));
  if (text == nullptr) return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt, index))};
}

ResetOnExit::~ResetOnExit() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

}  // namespace bx::store_sql
