#include "state/postgres/pg_migrations.h"

#include <array>
#include <string>

#include "io/postgres/pg_connection.h"

namespace bx::pg {
namespace {

// The SQLite schema's twin (state/sqlite/migrations.cc): times are microseconds since the
// epoch (UTC), statuses their API names.
constexpr Migration kV1 = {1, R"sql(
CREATE TABLE exports (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL,
  paused BOOLEAN NOT NULL,
  deleted BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL,
  last_updated_at BIGINT NOT NULL,
  last_paused_at BIGINT,
  next_interval_start BIGINT NOT NULL,
  next_due_at BIGINT NOT NULL
);
CREATE INDEX exports_due ON exports(next_due_at) WHERE NOT paused AND NOT deleted;

CREATE TABLE backfills (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  export_id TEXT NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  total_runs BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX backfills_export ON backfills(export_id, seq);

CREATE TABLE runs (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  export_id TEXT NOT NULL,
  backfill_id TEXT,
  data_interval_start BIGINT NOT NULL,
  data_interval_end BIGINT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  records_completed BIGINT NOT NULL DEFAULT 0,
  bytes_exported BIGINT NOT NULL DEFAULT 0,
  latest_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  next_attempt_at BIGINT,
  ready_at BIGINT,
  fencing_token BIGINT NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  last_attempt_seconds DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX runs_scheduled_interval
  ON runs(export_id, data_interval_start, data_interval_end) WHERE backfill_id IS NULL;
CREATE INDEX runs_interval ON runs(export_id, data_interval_start, data_interval_end);
CREATE INDEX runs_export ON runs(export_id, seq);
CREATE INDEX runs_export_status ON runs(export_id, status);
CREATE INDEX runs_backfill ON runs(backfill_id, status) WHERE backfill_id IS NOT NULL;
CREATE INDEX runs_ready ON runs(ready_at, seq) WHERE ready_at IS NOT NULL;
CREATE INDEX runs_status ON runs(status);

CREATE TABLE run_logs (
  seq BIGSERIAL PRIMARY KEY,
  run_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX run_logs_run ON run_logs(run_id, seq);

-- The claim: one call, one round trip. Claims queue on a transaction advisory lock and the
-- UPDATE runs with a snapshot taken after it (a VOLATILE function's statements each take a new
-- one under READ COMMITTED), so the checks "no other run of this interval is Running" and "at
-- most N backfill runs per export" see every claim committed before; SKIP LOCKED passes over
-- runs a heartbeat or finish is writing right now.
CREATE FUNCTION bx_claim_run(worker TEXT, lease_until BIGINT, now_us BIGINT,
                             backfill_limit BIGINT) RETURNS SETOF runs
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1652031491);
  RETURN QUERY
  UPDATE runs SET status = 'Running', attempts = runs.attempts + 1, lease_owner = worker,
    lease_expires_at = lease_until, ready_at = lease_until,
    fencing_token = runs.fencing_token + 1, started_at = COALESCE(runs.started_at, now_us),
    next_attempt_at = NULL
  WHERE runs.seq = (
    SELECT r.seq FROM runs r JOIN exports e ON e.id = r.export_id
    WHERE r.ready_at <= now_us AND NOT e.paused AND NOT e.deleted
      AND NOT EXISTS (SELECT 1 FROM runs o WHERE o.export_id = r.export_id
        AND o.data_interval_start = r.data_interval_start
        AND o.data_interval_end = r.data_interval_end AND o.seq <> r.seq
        AND o.status = 'Running' AND o.lease_expires_at > now_us)
      AND (r.backfill_id IS NULL OR (SELECT COUNT(*) FROM runs b
        WHERE b.export_id = r.export_id AND b.status = 'Running'
        AND b.backfill_id IS NOT NULL AND b.lease_expires_at > now_us
        AND b.seq <> r.seq) < backfill_limit)
    ORDER BY r.ready_at, r.seq LIMIT 1
    FOR UPDATE OF r SKIP LOCKED)
  RETURNING runs.*;
END $$;
)sql"};

// Facts about the state as a whole: "secret_key_check" (see SecretBox::KeyCheck).
constexpr Migration kV2 = {2, R"sql(
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql"};

// Backfills planned lazily: runs are created a window at a time (state_store.h, StoredBackfill).
// Older backfills have every run already.
constexpr Migration kV3 = {3, R"sql(
ALTER TABLE backfills ADD COLUMN plan_cursor BIGINT;
ALTER TABLE backfills ADD COLUMN created_runs BIGINT NOT NULL DEFAULT 0;
UPDATE backfills SET created_runs = total_runs;
CREATE INDEX backfills_planning ON backfills(seq) WHERE plan_cursor IS NOT NULL;
)sql"};

// /metrics' last successful interval end per export: one index seek per export.
constexpr Migration kV4 = {4, R"sql(
CREATE INDEX runs_completed_end ON runs(export_id, data_interval_end) WHERE status = 'Completed';
)sql"};

constexpr std::array<Migration, 4> kMigrations = {kV1, kV2, kV3, kV4};

constexpr Sql kLock = {"bx_migrate_lock", "SELECT pg_advisory_xact_lock($1)"};
constexpr Sql kCurrent = {"bx_migrate_current",
                          "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};
constexpr Sql kRecord = {"bx_migrate_record", "INSERT INTO schema_migrations(version) VALUES ($1)"};

}  // namespace

std::span<const Migration> StateMigrations() { return kMigrations; }

int Migrate(Connection& conn, std::span<const Migration> migrations) {
  conn.ExecScript("BEGIN");
  conn.Exec(kLock, Params().Add(int64_t{kMigrationLockKey}));
  conn.ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  int version = static_cast<int>(conn.Exec(kCurrent).Int(0, 0));
  for (const Migration& m : migrations) {
    if (m.version <= version) continue;
    conn.ExecScript(m.sql);
    conn.Exec(kRecord, Params().Add(int64_t{m.version}));
    version = m.version;
  }
  conn.ExecScript("COMMIT");
  return version;
}

}  // namespace bx::pg
