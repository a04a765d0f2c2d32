#pragma once
// The embedded store: one SQLite file in WAL mode (writers and readers at once). Its `events`
// table is a stable interface that other tools read and write:
//   uuid TEXT, team_id INTEGER, event TEXT, distinct_id TEXT, person_id TEXT,
//   properties TEXT (JSON), person_properties TEXT (JSON), elements_chain TEXT,
//   timestamp INTEGER, created_at INTEGER, inserted_at INTEGER,  -- microseconds, UTC
//   json_clean INTEGER  -- 1 when EventWriter checked the two JSON columns clean; leave it NULL
// indexed on inserted_at (a store made before json_clean gets the column when next opened here).
// Persons live in `person_changes` and `distinct_id_changes` (person_writer.h).

#include <filesystem>
#include <memory>

#include "core/json_sanitizer.h"
#include "source/embedded/event_row.h"
#include "source/source.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bx {

// An open connection; creates the file and schema when missing.
class EventStore {
 public:
  enum class Mode {
    kShared,    // WAL: writers and readers at once
    kBulkLoad,  // for loading generated data: a store this call creates is written without a
                // journal under an exclusive lock (each page written once, about 1.5x faster)
                // and switched to WAL when closed; an existing store stays shared, unsynced
  };
  explicit EventStore(const std::filesystem::path& path, Mode mode = Mode::kShared);
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  sqlite3* db() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  bool unjournaled_ = false;
};

// Inserts rows in transactions of `rows_per_transaction`; Flush() commits what is pending.
// Records whether a row's JSON columns are clean by the export's rule (json_clean), which
// spares every export of the row that check.
class EventWriter {
 public:
  explicit EventWriter(EventStore& store, size_t rows_per_transaction = 20000);
  ~EventWriter();
  // Starts the transaction the next rows go into, if none is open: a PersonWriter's changes
  // made after it commit with them.
  void Begin();
  void Insert(const EventRow& row);
  void Flush();

 private:
  EventStore& store_;
  sqlite3_stmt* insert_ = nullptr;
  JsonSanitizer json_;
  size_t pending_ = 0;
  size_t rows_per_transaction_;
  bool in_transaction_ = false;
};

// Reads events from the store; each Read opens its own connection, so readers may run on
// several threads beside writers.
class EmbeddedSource : public Source {
 public:
  explicit EmbeddedSource(std::filesystem::path path);
  std::unique_ptr<BatchReader> Read(const ExportQuery& query) override;

 private:
  std::filesystem::path path_;
};

}  // namespace bx
