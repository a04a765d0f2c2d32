#include "state/sqlite/migrations.h"

#include <array>

#include "base/error.h"
#include "state/sqlite/sqlite_db.h"

namespace bx::sqlite {
namespace {

// Times are microseconds since the epoch (UTC); statuses their API names.
constexpr Migration kV1 = {1, R"sql(
CREATE TABLE exports (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL,            -- JSON; secret fields sealed (state/secret_box.h)
  paused INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  last_updated_at INTEGER NOT NULL,
  last_paused_at INTEGER,
  next_interval_start INTEGER NOT NULL,  -- the schedule position
  next_due_at INTEGER NOT NULL
);
CREATE INDEX exports_due ON exports(next_due_at) WHERE paused = 0 AND deleted = 0;

CREATE TABLE backfills (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  export_id TEXT NOT NULL,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  total_runs INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX backfills_export ON backfills(export_id, seq);

CREATE TABLE runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  export_id TEXT NOT NULL,
  backfill_id TEXT,
  data_interval_start INTEGER NOT NULL,
  data_interval_end INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  records_completed INTEGER NOT NULL DEFAULT 0,
  bytes_exported INTEGER NOT NULL DEFAULT 0,
  latest_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  next_attempt_at INTEGER,
  ready_at INTEGER,          -- claimable from then: queued at next_attempt_at, Running when the
                             -- lease expires; NULL once finished
  fencing_token INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  last_attempt_seconds REAL NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX runs_scheduled_interval
  ON runs(export_id, data_interval_start, data_interval_end) WHERE backfill_id IS NULL;
CREATE INDEX runs_interval ON runs(export_id, data_interval_start, data_interval_end);
CREATE INDEX runs_export ON runs(export_id, seq);
CREATE INDEX runs_export_status ON runs(export_id, status);
CREATE INDEX runs_backfill ON runs(backfill_id, status) WHERE backfill_id IS NOT NULL;
CREATE INDEX runs_ready ON runs(ready_at) WHERE ready_at IS NOT NULL;
CREATE INDEX runs_status ON runs(status);

CREATE TABLE run_logs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX run_logs_run ON run_logs(run_id, seq);
)sql"};

// Facts about the state as a whole: "secret_key_check" (see SecretBox::KeyCheck).
constexpr Migration kV2 = {2, R"sql(
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql"};

// Backfills planned lazily: runs are created a window at a time (state_store.h, StoredBackfill).
// Older backfills have every run already.
constexpr Migration kV3 = {3, R"sql(
ALTER TABLE backfills ADD COLUMN plan_cursor INTEGER;
ALTER TABLE backfills ADD COLUMN created_runs INTEGER NOT NULL DEFAULT 0;
UPDATE backfills SET created_runs = total_runs;
CREATE INDEX backfills_planning ON backfills(seq) WHERE plan_cursor IS NOT NULL;
)sql"};

// /metrics' last successful interval end per export: one index seek per export.
constexpr Migration kV4 = {4, R"sql(
CREATE INDEX runs_completed_end ON runs(export_id, data_interval_end) WHERE status = 'Completed';
)sql"};

constexpr std::array<Migration, 4> kMigrations = {kV1, kV2, kV3, kV4};

}  // namespace

std::span<const Migration> StateMigrations() { return kMigrations; }

int Migrate(Db& db, std::span<const Migration> migrations) {
  db.ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)))");
  Transaction tx(db);  // BEGIN IMMEDIATE: two processes starting at once migrate one at a time
  Statement& current = db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  current.Step();
  int version = static_cast<int>(current.Int(0));
  current.Exec();
  for (const Migration& m : migrations) {
    if (m.version <= version) continue;
    db.ExecScript(m.sql);
    db.Prepare("INSERT INTO schema_migrations(version) VALUES (?1)")
        .Bind(1, int64_t{m.version})
        .Exec();
    version = m.version;
  }
  tx.Commit();
  return version;
}

}  // namespace bx::sqlite
