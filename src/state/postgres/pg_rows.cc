#include "state/postgres/pg_rows.h"

#include "state/postgres/pg_statements.h"
#include "state/stored_status.h"

namespace bx::pg_store {

StoredRun ReadRun(const Result& q, int i) {
  StoredRun r;
  r.seq = q.Int(i, 0);
  r.run.id = q.Text(i, 1);
  r.run.export_id = q.Text(i, 2);
  r.run.backfill_id = q.OptionalText(i, 3);
  r.run.interval = {q.Int(i, 4), q.Int(i, 5)};
  r.run.status = StoredRunStatus(q.Text(i, 6));
  r.run.attempts = static_cast<uint32_t>(q.Int(i, 7));
  r.run.records_completed = static_cast<uint64_t>(q.Int(i, 8));
  r.run.bytes_exported = static_cast<uint64_t>(q.Int(i, 9));
  r.run.latest_error = q.Text(i, 10);
  r.run.created_at = q.Int(i, 11);
  r.run.started_at = q.OptionalInt(i, 12);
  r.run.finished_at = q.OptionalInt(i, 13);
  r.run.next_attempt_at = q.OptionalInt(i, 14);
  r.fencing_token = static_cast<uint64_t>(q.Int(i, 15));
  r.lease_owner = q.OptionalText(i, 16);
  r.lease_expires_at = q.OptionalInt(i, 17);
  r.run.last_attempt_seconds = q.Double(i, 18);
  return r;
}

std::vector<StoredRun> ReadRuns(const Result& q) {
  std::vector<StoredRun> out;
  for (int i = 0; i < q.rows(); ++i) out.push_back(ReadRun(q, i));
  return out;
}

StoredBackfill ReadBackfill(const Result& q, int i) {
  StoredBackfill b;
  b.seq = q.Int(i, 0);
  b.backfill.id = q.Text(i, 1);
  b.backfill.export_id = q.Text(i, 2);
  b.backfill.start_at = q.Int(i, 3);
  b.backfill.end_at = q.Int(i, 4);
  b.backfill.status = StoredBackfillStatus(q.Text(i, 5));
  b.backfill.total_runs = static_cast<uint64_t>(q.Int(i, 6));
  b.backfill.created_at = q.Int(i, 7);
  b.backfill.finished_at = q.OptionalInt(i, 8);
  b.backfill.finished_runs = static_cast<uint64_t>(q.Int(i, 9));
  b.plan_cursor = q.OptionalInt(i, 10);
  b.created_runs = static_cast<uint64_t>(q.Int(i, 11));
  return b;
}

std::vector<std::string> Ids(const Result& q) {
  std::vector<std::string> ids;
  for (int i = 0; i < q.rows(); ++i) ids.push_back(q.Text(i, 0));
  return ids;
}

std::vector<StoredExport> ReadExports(const Result& q, const SecretBox& secrets) {
  std::vector<StoredExport> out;
  for (int i = 0; i < q.rows(); ++i) {
    StoredExport e;
    e.seq = q.Int(i, 0);
    e.id = q.Text(i, 1);
    e.config = secrets.OpenSecrets(nlohmann::json::parse(q.Text(i, 2)));
    e.paused = q.Bool(i, 3);
    e.created_at = q.Int(i, 4);
    e.last_updated_at = q.Int(i, 5);
    e.last_paused_at = q.OptionalInt(i, 6);
    e.next_interval_start = q.Int(i, 7);
    e.next_due_at = q.Int(i, 8);
    out.push_back(std::move(e));
  }
  return out;
}

size_t InsertRuns(Connection& c, const std::string& export_id,
                  const std::optional<std::string>& backfill, const std::vector<NewRun>& runs,
                  Micros now) {
  size_t created = 0;
  for (const NewRun& r : runs) {
    created += c.Exec(kInsertRun, Params()
                                      .Add(r.id)
                                      .Add(export_id)
                                      .Add(backfill)
                                      .Add(r.interval.start)
                                      .Add(r.interval.end)
                                      .Add(now))
                   .affected();
  }
  return created;
}

void SettleBackfill(Connection& c, const std::string& backfill_id, Micros now) {
  c.Exec(kSettleBackfill, Params().Add(backfill_id).Add(now));
}

std::optional<StoredBackfill> GetBackfillOn(Connection& c, const std::string& id) {
  Result q = c.Exec(kGetBackfill, Params().Add(id));
  if (q.rows() == 0) return std::nullopt;
  return ReadBackfill(q, 0);
}

}  // namespace bx::pg_store
