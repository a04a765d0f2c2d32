// The Postgres destination against the tests' real PostgreSQL: events exactly once through
// reruns and backfills, persons and sessions merged to their final state in any order, existing
// tables of other shapes, and how failures are classed.

#include <gtest/gtest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "e2e_support.h"
#include "pipeline/export_run.h"
#include "sink/all/destinations.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_loader.h"
#include "testing/pg_test_support.h"
#include "testing/sanitizers.h"
#include "testing/temp_dir.h"
#include "warehouse_events.h"
#include "warehouse_runs.h"

namespace bx {
namespace {

using json = nlohmann::json;
namespace pgt = pg::testing;

using testing::AllHours;
using testing::kDay0;
using testing::kHour;

class PostgresDestination : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    EventStore store(dir_->path() / "events.db");
    LoadSampleEvents(store, {kEvents, kDay0, kDay0 + 24 * kHour, 1, 7});
    EventStore big(dir_->path() / "big.db");
    LoadSampleEvents(big, {kBigEvents, kDay0, kDay0 + 24 * kHour, 1, 11});
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override { schema_ = pgt::UniqueName("bx_dest"); }

  json Config(const std::string& table) {
    const auto [host, port] = pgt::ServerHostPort();
    return {{"host", host},       {"port", port},      {"database", "postgres"},
            {"user", "postgres"}, {"schema", schema_}, {"table_name", table}};
  }

  static ExportDefinition Definition(const std::string& model, const json& config,
                                     const std::string& interval = "hour") {
    return testing::WarehouseExport("Postgres", model, config, interval);
  }

  // Runs the export of the intervals starting at these hours of the day, in that order.
  static void Run(const ExportDefinition& def, const std::vector<int>& hours,
                  const std::string& store = "events.db") {
    testing::RunHours(def, dir_->path() / store, hours);
  }

  pg::Result Query(const std::string& sql) {
    pg::Connection conn(pgt::ServerUrl());
    return conn.ExecText(sql);
  }

  std::string Table(const std::string& table) { return schema_ + "." + table; }

  // Waits (up to 30 s) until a COPY of ours is running on the server.
  bool CopyRunning() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      const pg::Result r = Query(
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'batch-export' AND "
          "state = 'active' AND query LIKE 'COPY %'");
      if (r.Int(0, 0) > 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  int64_t EventCount() { return Query("SELECT count(*) FROM " + Table("events")).Int(0, 0); }

  static constexpr uint64_t kEvents = 40000;
  // The exactly-once test's day (smaller under the sanitizers, where it is about code paths).
  static constexpr uint64_t kBigEvents = testing::kSanitized ? kEvents : 200000;
  static testing::TempDir* dir_;
  std::string schema_;
};
testing::TempDir* PostgresDestination::dir_ = nullptr;

TEST_F(PostgresDestination, EventsAreExactlyOnceThroughRerunsAndBackfills) {
  const ExportDefinition def = Definition("events", Config("events"));
  Run(def, AllHours(), "big.db");
  auto counts = [&] {
    const pg::Result r = Query("SELECT count(*), count(DISTINCT uuid) FROM " + Table("events"));
    return std::pair(r.Int(0, 0), r.Int(0, 1));
  };
  EXPECT_EQ(counts(), (std::pair<int64_t, int64_t>(kBigEvents, kBigEvents)));
  Run(def, {5}, "big.db");         // a rerun of one hour
  Run(def, AllHours(), "big.db");  // a backfill of the day
  EXPECT_EQ(counts(), (std::pair<int64_t, int64_t>(kBigEvents, kBigEvents)));

  // Every value equals the store's: JSON compared as JSON.
  testing::ExpectTableHoldsEvents(
      Query(std::string("SELECT ") + testing::kWarehouseEventColumns + " FROM " + Table("events")),
      testing::WarehouseEventsByUuid(dir_->path() / "big.db", {kDay0, kDay0 + 24 * kHour}));
}

// Two exports sharing a table, one taking pageviews and one the rest: a rerun of either
// replaces only its own rows of the interval.
TEST_F(PostgresDestination, ARerunReplacesOnlyTheRowsItsFiltersTake) {
  json pageviews = Config("events"), others = Config("events");
  pageviews["include_events"] = {"$pageview"};
  others["exclude_events"] = {"$pageview"};
  Run(Definition("events", pageviews), {0});
  Run(Definition("events", others), {0});
  const pg::Result before =
      Query("SELECT count(*), count(*) FILTER (WHERE event = '$pageview') FROM " + Table("events"));
  EXPECT_GT(before.Int(0, 1), 100);
  EXPECT_GT(before.Int(0, 0), before.Int(0, 1));
  Run(Definition("events", pageviews), {0});
  Run(Definition("events", others), {0});
  const pg::Result after = Query("SELECT count(*), count(DISTINCT uuid) FROM " + Table("events"));
  EXPECT_EQ(after.Int(0, 0), before.Int(0, 0));
  EXPECT_EQ(after.Int(0, 1), before.Int(0, 0));
}

// A worker killed with SIGKILL in the middle of its COPY: nothing of it in the table, no lock
// left behind once the server sees the connection gone, and the retry writes the day once.
TEST_F(PostgresDestination, AWorkerKilledMidCopyLeavesNothingAndTheRetryIsExact) {
  const json def = {{"name", "pg kill"},
                    {"interval", "day"},
                    {"destination", {{"type", "Postgres"}, {"config", Config("events")}}}};
  e2e::WriteFile(dir_->path() / "kill.json", def.dump());
  const std::vector<std::string> args = {"export",
                                         "--source",
                                         (dir_->path() / "events.db").string(),
                                         "--config",
                                         (dir_->path() / "kill.json").string(),
                                         "--start",
                                         "2024-01-15",
                                         "--end",
                                         "2024-01-16"};
  {
    e2e::ChildProcess worker(dir_->path(), "kill-worker", args);
    ASSERT_TRUE(CopyRunning()) << worker.Stderr();
    worker.Kill();
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int64_t sessions = -1;
  while (std::chrono::steady_clock::now() < deadline && sessions != 0) {
    sessions =
        Query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'batch-export'")
            .Int(0, 0);
  }
  EXPECT_EQ(sessions, 0) << "the killed worker's session lingers";
  EXPECT_EQ(Query("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                  "WHERE c.relname = 'events' AND c.relnamespace = '" +
                  schema_ + "'::regnamespace")
                .Int(0, 0),
            0);
  EXPECT_EQ(EventCount(), 0);
  const auto retry = e2e::RunBinary(args);
  ASSERT_EQ(retry.status, 0) << retry.output;
  EXPECT_EQ(EventCount(), static_cast<int64_t>(kEvents));
  EXPECT_EQ(Query("SELECT count(DISTINCT uuid) FROM " + Table("events")).Int(0, 0),
            static_cast<int64_t>(kEvents));
}

// The server stopped (restarted) in the middle of a run: a retryable failure, and the retry
// succeeds with every row once.
TEST_F(PostgresDestination, AServerRestartMidRunIsRetryableAndTheRetryIsExact) {
  const char* pg_dir = std::getenv("BX_PG_DIR");
  ASSERT_TRUE(pg_dir && *pg_dir) << "needs BX_PG_DIR (the fixture's dir) to restart the server";
  const std::string pgdata =
      e2e::Lines(e2e::ReadFile(std::filesystem::path(pg_dir) / "pgdata")).at(0);
  const ExportDefinition def = Definition("events", Config("events"), "day");
  std::optional<Error> failure;
  std::thread run([&] {
    try {
      EmbeddedSource source(dir_->path() / "events.db");
      auto destination = MakeDestination(def);
      ExportInterval(def, {kDay0, kDay0 + 24 * kHour}, source, *destination);
    } catch (const Error& e) {
      failure = e;
    }
  });
  const bool copying = CopyRunning();
  const auto r = e2e::RunShell("runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D " +
                               e2e::ShellQuote(pgdata + "/data") + " -l " +
                               e2e::ShellQuote(pgdata + "/server.log") + " -m fast -w restart");
  run.join();
  ASSERT_TRUE(copying);
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(failure.has_value()) << "the run finished before the restart";
  EXPECT_TRUE(failure->retryable()) << failure->Describe();
  EXPECT_EQ(EventCount(), 0);
  Run(Definition("events", Config("events")), AllHours());
  EXPECT_EQ(EventCount(), static_cast<int64_t>(kEvents));
}

// Merging hour by hour, in any order, ends in each key's state at the day's end: what the
// model's own query gives for the whole day as one interval.
TEST_F(PostgresDestination, PersonsAndSessionsMergeToTheirFinalStateInAnyOrder) {
  for (const auto& [model, key, columns] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"persons", "distinct_id",
            "person_id, properties, person_version, person_distinct_id_version, is_deleted"},
           {"sessions", "session_id",
            "distinct_id, start_timestamp, end_timestamp, pageview_count, autocapture_count, "
            "entry_current_url, end_current_url, is_bounce, _inserted_at"}}) {
    // The day as one interval: every key in its state at the end.
    Run(Definition(model, Config(model + "_daily"), "day"), {0});
    // Hour by hour, the later half first and one hour twice: older rows arrive after newer.
    std::vector<int> hours;
    for (int h = 12; h < 24; ++h) hours.push_back(h);
    for (int h = 0; h < 12; ++h) hours.push_back(h);
    hours.push_back(3);
    Run(Definition(model, Config(model + "_hourly")), hours);

    const std::string select = "SELECT team_id, " + key + ", " + columns + " FROM ";
    const pg::Result differ = Query("SELECT count(*) FROM ((" + select + Table(model + "_daily") +
                                    " EXCEPT ALL " + select + Table(model + "_hourly") +
                                    ") UNION ALL (" + select + Table(model + "_hourly") +
                                    " EXCEPT ALL " + select + Table(model + "_daily") + ")) d");
    EXPECT_EQ(differ.Int(0, 0), 0) << model;
    const pg::Result n = Query("SELECT count(*) FROM " + Table(model + "_hourly"));
    EXPECT_GT(n.Int(0, 0), 1000) << model;
  }
}

TEST_F(PostgresDestination, ExistingTablesOfOtherShapes) {
  Query("CREATE SCHEMA " + schema_);
  // Extra columns, and of ours only uuid, event and team_id: written, the rest left alone.
  Query("CREATE TABLE " + Table("extra") +
        " (uuid VARCHAR(200), event VARCHAR(10), note TEXT DEFAULT 'mine', team_id INTEGER)");
  // Without _inserted_at, the rows go through a stage and replace the staged uuids: a rerun
  // still leaves each once.
  Run(Definition("events", Config("extra")), {0});
  Run(Definition("events", Config("extra")), {0});
  pg::Result r =
      Query("SELECT count(*), count(DISTINCT uuid), min(note), max(length(event)) FROM " +
            Table("extra"));
  EXPECT_GT(r.Int(0, 0), 1000);
  EXPECT_EQ(r.Int(0, 0), r.Int(0, 1));
  EXPECT_EQ(r.Text(0, 2), "mine");
  EXPECT_LE(r.Int(0, 3), 10) << "values longer than VARCHAR(10) are cut to it";

  // Without the key column: a permanent failure naming it, and nothing written.
  Query("CREATE TABLE " + Table("no_key") + " (event TEXT, properties JSONB)");
  try {
    Run(Definition("events", Config("no_key")), {0});
    ADD_FAILURE() << "exported to a table without uuid";
  } catch (const Error& e) {
    EXPECT_FALSE(e.retryable());
    EXPECT_NE(e.message().find("has no column \"uuid\""), std::string::npos) << e.message();
  }
  EXPECT_EQ(Query("SELECT count(*) FROM " + Table("no_key")).Int(0, 0), 0);
}

// Column types other than ours: binary COPY where it writes every type (smallint, timestamp
// without time zone, json), text where the server must convert (uuid, numeric); the values
// are the store's either way.
TEST_F(PostgresDestination, OtherColumnTypesLoadInBinaryOrText) {
  Query("CREATE SCHEMA " + schema_);
  Query("CREATE TABLE " + Table("binary") +
        " (uuid VARCHAR(200), event TEXT, team_id SMALLINT, timestamp TIMESTAMP, properties JSON,"
        " _inserted_at TIMESTAMPTZ)");
  Query("CREATE TABLE " + Table("text") +
        " (uuid UUID, event TEXT, team_id NUMERIC, timestamp TIMESTAMPTZ, properties JSONB,"
        " _inserted_at TIMESTAMPTZ)");
  const auto stored =
      testing::WarehouseEventsByUuid(dir_->path() / "events.db", {kDay0, kDay0 + kHour});
  for (const std::string table : {"binary", "text"}) {
    Run(Definition("events", Config(table)), {0, 0});
    const pg::Result r = Query(
        "SELECT uuid, event, team_id::bigint, properties::text, "
        "(extract(epoch FROM timestamp) * 1000000)::bigint FROM " +
        Table(table));
    ASSERT_EQ(r.rows(), static_cast<int>(stored.size())) << table;
    size_t differ = 0;
    for (int i = 0; i < r.rows(); ++i) {
      const json& want = stored.at(r.Text(i, 0));
      const json got = {{"event", r.Text(i, 1)},
                        {"team_id", r.Int(i, 2)},
                        {"properties", json::parse(r.Text(i, 3))},
                        {"timestamp", r.Int(i, 4)}};
      const json expected = {{"event", want["event"]},
                             {"team_id", want["team_id"]},
                             {"properties", want["properties"]},
                             {"timestamp", want["timestamp"]}};
      if (got != expected && ++differ < 3) ADD_FAILURE() << table << ": " << got.dump();
    }
    EXPECT_EQ(differ, 0u) << table;
  }
}

TEST_F(PostgresDestination, AWrongPasswordFailsForGoodWithoutShowingIt) {
  // The one role whose password the test server checks (scripts/start-postgres); it may exist
  // from an earlier run, owning its tables.
  Query(
      "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bx_password_user') THEN "
      "CREATE ROLE bx_password_user LOGIN SUPERUSER; END IF; END$$");
  Query("ALTER ROLE bx_password_user PASSWORD 'right-password'");
  json config = Config("events");
  config["user"] = "bx_password_user";
  config["password"] = "wrong-secret-password";
  try {
    Run(Definition("events", config), {0});
    ADD_FAILURE() << "connected with a wrong password";
  } catch (const Error& e) {
    EXPECT_FALSE(e.retryable()) << e.Describe();
    EXPECT_EQ(e.type(), "PostgresError");
    EXPECT_NE(e.message().find("password authentication failed"), std::string::npos) << e.message();
    EXPECT_EQ(e.Describe().find("wrong-secret-password"), std::string::npos) << e.Describe();
  }
  config["password"] = "right-password";
  Run(Definition("events", config), {0});
  EXPECT_GT(Query("SELECT count(*) FROM " + Table("events")).Int(0, 0), 1000);
}

TEST_F(PostgresDestination, CheckSaysWhetherTheUserMayCreateOrWriteTheTable) {
  MakeDestination(Definition("events", Config("events")))->Check();  // superuser, no table yet
  Query("CREATE SCHEMA " + schema_);
  Query(
      "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bx_reader') THEN "
      "CREATE ROLE bx_reader LOGIN; END IF; END$$");
  json config = Config("events");
  config["user"] = "bx_reader";
  try {
    MakeDestination(Definition("events", config))->Check();
    ADD_FAILURE() << "a user without CREATE on the schema passed the check";
  } catch (const Error& e) {
    EXPECT_FALSE(e.retryable());
    EXPECT_NE(e.message().find("may not create it"), std::string::npos) << e.Describe();
  }
  Query("CREATE TABLE " + Table("events") + " (uuid TEXT)");
  Query("GRANT USAGE ON SCHEMA " + schema_ + " TO bx_reader");
  Query("GRANT SELECT, INSERT ON " + Table("events") + " TO bx_reader");
  try {
    MakeDestination(Definition("events", config))->Check();
    ADD_FAILURE() << "a user without DELETE passed the check";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("may not insert into and delete from"), std::string::npos)
        << e.message();
  }
  Query("GRANT DELETE ON " + Table("events") + " TO bx_reader");
  MakeDestination(Definition("events", config))->Check();
}

TEST_F(PostgresDestination, AnUnreachableServerIsRetryable) {
  json config = Config("events");
  config["port"] = 1;  // nothing listens there
  try {
    Run(Definition("events", config), {0});
    ADD_FAILURE() << "exported to nothing";
  } catch (const Error& e) {
    EXPECT_TRUE(e.retryable()) << e.Describe();
  }
}

TEST_F(PostgresDestination, ConfigErrorsNameTheField) {
  auto error = [&](json config) {
    try {
      Definition("events", config);
    } catch (const Error& e) {
      return e.Describe();
    }
    return std::string();
  };
  json c = Config("events");
  c["sslmode"] = "sometimes";
  EXPECT_NE(error(c).find("destination.config.sslmode"), std::string::npos) << error(c);
  c = Config("events");
  c.erase("host");
  EXPECT_NE(error(c).find("destination.config.host: is required"), std::string::npos) << error(c);
  c = Config("events");
  c["table_name"] = std::string(64, 't');
  EXPECT_NE(error(c).find("63 bytes"), std::string::npos) << error(c);
  c = Config("events");
  c["port"] = 70000;
  EXPECT_NE(error(c).find("destination.config.port"), std::string::npos) << error(c);
  c = Config("events");
  c["schema"] = "bad\nname";
  EXPECT_NE(error(c).find("destination.config.schema"), std::string::npos) << error(c);
}

}  // namespace
}  // namespace bx
