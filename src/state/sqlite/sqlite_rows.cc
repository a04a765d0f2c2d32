#include "state/sqlite/sqlite_rows.h"

#include "state/stored_status.h"

namespace bx::sqlite {

StoredExport ReadExport(const Statement& q, const SecretBox& secrets) {
  StoredExport e;
  e.seq = q.Int(0);
  e.id = q.Text(1);
  e.config = secrets.OpenSecrets(nlohmann::json::parse(q.Text(2)));
  e.paused = q.Int(3) != 0;
  e.created_at = q.Int(4);
  e.last_updated_at = q.Int(5);
  e.last_paused_at = q.OptionalInt(6);
  e.next_interval_start = q.Int(7);
  e.next_due_at = q.Int(8);
  return e;
}

StoredRun ReadRun(const Statement& q) {
  StoredRun r;
  r.seq = q.Int(0);
  r.run.id = q.Text(1);
  r.run.export_id = q.Text(2);
  r.run.backfill_id = q.OptionalText(3);
  r.run.interval = {q.Int(4), q.Int(5)};
  r.run.status = StoredRunStatus(q.Text(6));
  r.run.attempts = static_cast<uint32_t>(q.Int(7));
  r.run.records_completed = static_cast<uint64_t>(q.Int(8));
  r.run.bytes_exported = static_cast<uint64_t>(q.Int(9));
  r.run.latest_error = q.Text(10);
  r.run.created_at = q.Int(11);
  r.run.started_at = q.OptionalInt(12);
  r.run.finished_at = q.OptionalInt(13);
  r.run.next_attempt_at = q.OptionalInt(14);
  r.fencing_token = static_cast<uint64_t>(q.Int(15));
  r.lease_owner = q.OptionalText(16);
  r.lease_expires_at = q.OptionalInt(17);
  r.run.last_attempt_seconds = q.Double(18);
  return r;
}

StoredBackfill ReadBackfill(const Statement& q) {
  StoredBackfill b;
  b.seq = q.Int(0);
  b.backfill.id = q.Text(1);
  b.backfill.export_id = q.Text(2);
  b.backfill.start_at = q.Int(3);
  b.backfill.end_at = q.Int(4);
  b.backfill.status = StoredBackfillStatus(q.Text(5));
  b.backfill.total_runs = static_cast<uint64_t>(q.Int(6));
  b.backfill.created_at = q.Int(7);
  b.backfill.finished_at = q.OptionalInt(8);
  b.backfill.finished_runs = static_cast<uint64_t>(q.Int(9));
  b.plan_cursor = q.OptionalInt(10);
  b.created_runs = static_cast<uint64_t>(q.Int(11));
  return b;
}

std::vector<std::string> RunningIds(Statement& q) {
  std::vector<std::string> ids;
  while (q.Step()) ids.push_back(q.Text(0));
  return ids;
}

}  // namespace bx::sqlite
