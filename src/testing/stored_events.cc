#include "testing/stored_events.h"

#include <sqlite3.h>

#include <stdexcept>

namespace bx::testing {
namespace {

class ReadOnlyDb {
 public:
  explicit ReadOnlyDb(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path.string());
    }
  }
  ~ReadOnlyDb() { sqlite3_close(db_); }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("cannot prepare: ") + sqlite3_errmsg(db_));
    }
    return stmt;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string Text(sqlite3_stmt* stmt, int column) {
  const auto* text = sqlite3_column_text(stmt, column);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(sqlite3_column_bytes(stmt, column)))
              : std::string();
}

}  // namespace

int64_t CountStoredEvents(const std::filesystem::path& db, const std::string& where) {
  ReadOnlyDb conn(db);
  sqlite3_stmt* stmt = conn.Prepare("SELECT count(*) FROM events WHERE " + where);
  sqlite3_step(stmt);
  const int64_t n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return n;
}

std::map<std::string, StoredEvent> StoredEventsByUuid(const std::filesystem::path& db,
                                                      int64_t* duplicates) {
  ReadOnlyDb conn(db);
  sqlite3_stmt* stmt =
      conn.Prepare("SELECT uuid, event, distinct_id, properties, timestamp FROM events");
  std::map<std::string, StoredEvent> out;
  int64_t dup = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    StoredEvent e{Text(stmt, 1), Text(stmt, 2), Text(stmt, 3), sqlite3_column_int64(stmt, 4)};
    if (!out.emplace(Text(stmt, 0), std::move(e)).second) ++dup;
  }
  sqlite3_finalize(stmt);
  if (duplicates) *duplicates = dup;
  return out;
}

}  // namespace bx::testing
