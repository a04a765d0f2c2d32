#pragma once
// The column lists the SQL state stores (SQLite, PostgreSQL) select, in the order their row
// readers read them. Macros, so that statements are built by string-literal concatenation.

#define BX_EXPORT_COLUMNS                                                                       \
  "seq, id, config, paused, created_at, last_updated_at, last_paused_at, next_interval_start, " \
  "next_due_at"
#define BX_RUN_COLUMNS                                                                          \
  "seq, id, export_id, backfill_id, data_interval_start, data_interval_end, status, attempts, " \
  "records_completed, bytes_exported, latest_error, created_at, started_at, finished_at, "      \
  "next_attempt_at, fencing_token, lease_owner, lease_expires_at, last_attempt_seconds"
// finished_runs counts the runs that ended: Completed, Failed or Cancelled.
#define BX_BACKFILL_COLUMNS                                                                 \
  "b.seq, b.id, b.export_id, b.start_at, b.end_at, b.status, b.total_runs, b.created_at, "  \
  "b.finished_at, (SELECT COUNT(*) FROM runs r WHERE r.backfill_id = b.id AND r.status IN " \
  "('Completed', 'Failed', 'Cancelled')), b.plan_cursor, b.created_runs"
