#include "source/embedded/sample_loader.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "source/embedded/event_store.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

constexpr Micros kDay0 = 1705276800LL * kMicrosPerSecond;  // 2024-01-15T00:00:00Z
constexpr Micros kHour = 3600LL * kMicrosPerSecond;

// One integer from the store.
int64_t Count(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  int64_t n = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

// Sample data goes through the PersonWriter: identified users' events share the person of their
// anonymous ones, aliases join a third distinct_id, and $set reaches the person's properties.
TEST(SampleLoaderTest, SampleEventsBuildPersonsTheWayCaptureWould) {
  testing::TempDir dir;
  const auto path = dir.path() / "events.db";
  const uint64_t count = 50'000;
  {
    EventStore store(path);
    EXPECT_EQ(LoadSampleEvents(store, {count, kDay0, kDay0 + 6 * kHour, 1, 7}), count);
  }
  EXPECT_EQ(Count(path, "SELECT count(*) FROM events WHERE person_id = ''"), 0);
  // Merges: some persons hold more than one distinct_id, some of them through an alias.
  const int64_t distinct_ids = Count(path, "SELECT count(DISTINCT distinct_id) FROM events");
  EXPECT_GT(distinct_ids, static_cast<int64_t>(count / 40));
  EXPECT_GT(Count(path,
                  "SELECT count(*) FROM (SELECT person_id FROM events GROUP BY person_id "
                  "HAVING count(DISTINCT distinct_id) > 1)"),
            distinct_ids / 20);
  EXPECT_GT(Count(path,
                  "SELECT count(*) FROM distinct_id_changes WHERE distinct_id NOT IN "
                  "(SELECT distinct_id FROM events)"),
            0)
      << "aliases map distinct_ids that send no events";
  EXPECT_GT(Count(path, "SELECT count(*) FROM person_changes WHERE is_deleted"), 0)
      << "an $identify of a user with anonymous history merges two persons";
  // Events after a user's $identify carry the email its $set gave the person.
  EXPECT_GT(Count(path,
                  "SELECT count(*) FROM events e WHERE event = '$pageview' AND "
                  "json_extract(person_properties, '$.email') IS NOT NULL"),
            static_cast<int64_t>(count / 50));
  EXPECT_EQ(Count(path,
                  "SELECT count(*) FROM events WHERE event = '$identify' AND "
                  "json_extract(person_properties, '$.email') IS NULL"),
            0);
}

}  // namespace
}  // namespace bx
