#pragma once
// The embedded store's events as plain SQL reads them (independent of our reader), for tests
// that check what capture stored.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace bx::testing {

struct StoredEvent {
  std::string event;
  std::string distinct_id;
  std::string properties;  // JSON text
  int64_t timestamp = 0;   // microseconds
};

// `where` is test-written SQL over the events table ("1": every row).
int64_t CountStoredEvents(const std::filesystem::path& db, const std::string& where = "1");

// Every row by uuid; a uuid stored twice is kept once and counted in `*duplicates`.
std::map<std::string, StoredEvent> StoredEventsByUuid(const std::filesystem::path& db,
                                                      int64_t* duplicates = nullptr);

}  // namespace bx::testing
