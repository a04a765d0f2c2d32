#pragma once
// The PostgreSQL state store's statements, each prepared once per connection under its name.

#include "io/postgres/pg_connection.h"
#include "state/sql_columns.h"

namespace bx::pg_store {

using pg::Sql;

constexpr Sql kInsertExport = {
    "insert_export",
    "INSERT INTO exports(id, config, paused, created_at, last_updated_at, last_paused_at, "
    "next_interval_start, next_due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq"};
constexpr Sql kGetExport = {
    "get_export", "SELECT " BX_EXPORT_COLUMNS " FROM exports WHERE id = $1 AND NOT deleted"};
constexpr Sql kListExports = {"list_exports", "SELECT " BX_EXPORT_COLUMNS
                                              " FROM exports WHERE NOT deleted AND seq < $1 "
                                              "ORDER BY seq DESC LIMIT $2"};
constexpr Sql kUpdateConfig = {
    "update_config",
    "UPDATE exports SET config = $2, last_updated_at = $3 WHERE id = $1 AND NOT deleted"};
constexpr Sql kSetPaused = {
    "set_paused",
    "UPDATE exports SET last_paused_at = CASE WHEN $2 AND NOT paused THEN $3 ELSE "
    "last_paused_at END, paused = $2, last_updated_at = $3 WHERE id = $1 AND NOT deleted"};
constexpr Sql kDeleteExport = {
    "delete_export",
    "UPDATE exports SET deleted = TRUE, last_updated_at = $2 WHERE id = $1 AND NOT deleted"};
constexpr Sql kRunningOfExport = {
    "running_of_export", "SELECT id FROM runs WHERE export_id = $1 AND status = 'Running'"};
constexpr Sql kCancelExportRuns = {
    "cancel_export_runs",
    "UPDATE runs SET status = 'Cancelled', finished_at = $2, ready_at = NULL, "
    "next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, "
    "fencing_token = fencing_token + 1 WHERE export_id = $1 AND status IN ('Starting', "
    "'Running', 'FailedRetryable')"};
constexpr Sql kCancelExportBackfills = {
    "cancel_export_backfills",
    "UPDATE backfills SET status = 'Cancelled', finished_at = $2 WHERE export_id = $1 AND "
    "status = 'Running'"};
constexpr Sql kDueExports = {"due_exports", "SELECT " BX_EXPORT_COLUMNS
                                            " FROM exports WHERE NOT paused AND NOT deleted AND "
                                            "next_due_at <= $1 ORDER BY next_due_at LIMIT $2"};
constexpr Sql kEarliestDue = {
    "earliest_due", "SELECT MIN(next_due_at) FROM exports WHERE NOT paused AND NOT deleted"};
constexpr Sql kMovePositionIf = {"move_position_if",
                                 "UPDATE exports SET next_interval_start = $3, next_due_at = $4 "
                                 "WHERE id = $1 AND next_interval_start = $2 AND NOT deleted"};
constexpr Sql kMovePosition = {"move_position",
                               "UPDATE exports SET next_interval_start = $2, next_due_at = $3 "
                               "WHERE id = $1 AND NOT deleted"};
constexpr Sql kInsertRun = {
    "insert_run",
    "INSERT INTO runs(id, export_id, backfill_id, data_interval_start, data_interval_end, "
    "status, created_at, next_attempt_at, ready_at) "
    "VALUES ($1, $2, $3, $4, $5, 'Starting', $6, $6, $6) ON CONFLICT DO NOTHING"};
constexpr Sql kClaim = {"claim_run", "SELECT " BX_RUN_COLUMNS " FROM bx_claim_run($1, $2, $3, $4)"};
constexpr Sql kHeartbeat = {"heartbeat",
                            "UPDATE runs SET lease_expires_at = $3, ready_at = $3 "
                            "WHERE id = $1 AND fencing_token = $2 AND status = 'Running'"};
constexpr Sql kFinish = {
    "finish_run",
    "UPDATE runs SET status = $3, records_completed = $4, bytes_exported = $5, "
    "latest_error = $6, finished_at = $7, next_attempt_at = $8, ready_at = $8, "
    "lease_owner = NULL, lease_expires_at = NULL, last_attempt_seconds = $9 "
    "WHERE id = $1 AND fencing_token = $2 AND status = 'Running' RETURNING backfill_id"};
constexpr Sql kSettleBackfill = {
    "settle_backfill",
    "UPDATE backfills SET finished_at = $2, status = CASE WHEN EXISTS (SELECT 1 FROM runs "
    "WHERE backfill_id = $1 AND status = 'Failed') THEN 'Failed' ELSE 'Completed' END "
    "WHERE id = $1 AND status = 'Running' AND plan_cursor IS NULL AND NOT EXISTS (SELECT 1 "
    "FROM runs WHERE backfill_id = $1 AND status IN ('Starting', 'Running', "
    "'FailedRetryable'))"};
constexpr Sql kRelease = {"release_run",
                          "UPDATE runs SET status = 'Starting', attempts = GREATEST(attempts - 1, "
                          "0), next_attempt_at = $3, ready_at = $3, lease_owner = NULL, "
                          "lease_expires_at = NULL, fencing_token = fencing_token + 1 "
                          "WHERE id = $1 AND fencing_token = $2 AND status = 'Running'"};
constexpr Sql kGetRun = {"get_run", "SELECT " BX_RUN_COLUMNS " FROM runs WHERE id = $1"};
constexpr Sql kListRuns = {"list_runs",
                           "SELECT " BX_RUN_COLUMNS
                           " FROM runs WHERE export_id = $1 AND seq < $2 AND "
                           "($3::text IS NULL OR status = $3) ORDER BY seq DESC LIMIT $4"};
constexpr Sql kRunStatusForUpdate = {"run_status_for_update",
                                     "SELECT status FROM runs WHERE id = $1 FOR UPDATE"};
constexpr Sql kRequeue = {"requeue_run",
                          "UPDATE runs SET status = 'Starting', attempts = 0, latest_error = '', "
                          "finished_at = NULL, next_attempt_at = $2, ready_at = $2 WHERE id = $1"};
constexpr Sql kRecentFinished = {
    "recent_finished",
    "SELECT status FROM runs WHERE export_id = $1 AND status IN ('Completed', 'Failed') "
    "ORDER BY finished_at DESC, seq DESC LIMIT $2"};
constexpr Sql kCountByStatus = {"count_by_status",
                                "SELECT status, COUNT(*) FROM runs GROUP BY status"};
constexpr Sql kLastCompletedEnds = {
    "last_completed_ends",
    "SELECT e.id, (SELECT MAX(r.data_interval_end) FROM runs r WHERE r.export_id = e.id AND "
    "r.status = 'Completed') FROM exports e WHERE NOT e.deleted"};
constexpr Sql kCountDue = {"count_due",
                           "SELECT COUNT(*) FROM runs r JOIN exports e ON e.id = r.export_id "
                           "WHERE r.ready_at <= $1 AND NOT e.paused AND NOT e.deleted"};
constexpr Sql kNextDue = {"next_due",
                          "SELECT MIN(r.ready_at) FROM runs r JOIN exports e ON e.id = "
                          "r.export_id WHERE r.ready_at IS NOT NULL AND NOT e.paused AND NOT "
                          "e.deleted"};
constexpr Sql kAppendLog = {
    "append_log", "INSERT INTO run_logs(run_id, at, level, message) VALUES ($1, $2, $3, $4)"};
constexpr Sql kListLogs = {"list_logs",
                           "SELECT seq, at, level, message FROM run_logs WHERE run_id = $1 AND "
                           "seq > $2 ORDER BY seq LIMIT $3"};
constexpr Sql kListExportLogs = {
    "list_export_logs",
    "SELECT l.seq, l.run_id, l.at, l.level, l.message FROM run_logs l JOIN runs r ON r.id = "
    "l.run_id WHERE r.export_id = $1 AND l.seq < $2 ORDER BY l.seq DESC LIMIT $3"};
constexpr Sql kInsertBackfill = {
    "insert_backfill",
    "INSERT INTO backfills(id, export_id, start_at, end_at, status, total_runs, created_at, "
    "finished_at, plan_cursor, created_runs) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"};
constexpr Sql kBackfillsToPlan = {"backfills_to_plan",
                                  "SELECT " BX_BACKFILL_COLUMNS
                                  " FROM backfills b WHERE b.plan_cursor IS NOT NULL AND "
                                  "b.status = 'Running' ORDER BY b.seq LIMIT $1"};
constexpr Sql kAdvanceBackfill = {
    "advance_backfill",
    "UPDATE backfills SET plan_cursor = $3, created_runs = created_runs + $4 WHERE id = $1 "
    "AND status = 'Running' AND plan_cursor = $2 RETURNING export_id"};
constexpr Sql kGetBackfill = {"get_backfill",
                              "SELECT " BX_BACKFILL_COLUMNS " FROM backfills b WHERE b.id = $1"};
constexpr Sql kListBackfills = {"list_backfills",
                                "SELECT " BX_BACKFILL_COLUMNS
                                " FROM backfills b WHERE b.export_id = $1 AND b.seq < $2 "
                                "ORDER BY b.seq DESC LIMIT $3"};
constexpr Sql kRunningOfBackfill = {
    "running_of_backfill", "SELECT id FROM runs WHERE backfill_id = $1 AND status = 'Running'"};
constexpr Sql kCancelBackfillRuns = {
    "cancel_backfill_runs",
    "UPDATE runs SET status = 'Cancelled', finished_at = $2, ready_at = NULL, "
    "next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, "
    "fencing_token = fencing_token + 1 WHERE backfill_id = $1 AND status IN ('Starting', "
    "'Running', 'FailedRetryable')"};
constexpr Sql kCancelBackfill = {
    "cancel_backfill",
    "UPDATE backfills SET status = 'Cancelled', finished_at = $2 WHERE id = $1 AND "
    "status = 'Running'"};
constexpr Sql kSchemaVersion = {"schema_version",
                                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};

constexpr Sql kInsertKeyCheck = {
    "insert_key_check",
    "INSERT INTO settings(name, value) VALUES ('secret_key_check', $1) ON CONFLICT DO NOTHING"};
constexpr Sql kGetKeyCheck = {"get_key_check",
                              "SELECT value FROM settings WHERE name = 'secret_key_check'"};

}  // namespace bx::pg_store
