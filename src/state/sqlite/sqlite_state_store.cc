#include "state/sqlite/sqlite_state_store.h"

#include <climits>

#include "base/error.h"
#include "base/private_files.h"
#include "state/sql_columns.h"
#include "state/sqlite/migrations.h"
#include "state/sqlite/sqlite_db.h"
#include "state/sqlite/sqlite_rows.h"
#include "state/stored_status.h"

namespace bx {

using sqlite::kNoCursor;
using sqlite::ReadBackfill;
using sqlite::ReadExport;
using sqlite::ReadRun;
using sqlite::RunningIds;
using sqlite::Statement;
using sqlite::Transaction;

SqliteStateStore::SqliteStateStore(const std::filesystem::path& path, SecretBox secrets)
    : db_(std::make_unique<sqlite::Db>(path)), secrets_(std::move(secrets)) {
  db_->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  sqlite::Migrate(*db_, sqlite::StateMigrations());
  // The first key to open the state is its key; a different one is refused at once.
  db_->Prepare(
         "INSERT INTO settings(name, value) VALUES ('secret_key_check', ?1) "
         "ON CONFLICT(name) DO NOTHING")
      .Bind(1, secrets_.KeyCheck())
      .Exec();
  Statement& q = db_->Prepare("SELECT value FROM settings WHERE name = 'secret_key_check'");
  std::string check;
  if (q.Step()) check = q.Text(0);
  // Run to the end: a statement left on a row keeps this connection's read snapshot open, and
  // every later read of the store would see the state as it was here.
  q.Exec();
  secrets_.VerifyKeyCheck(check);
}

SqliteStateStore::~SqliteStateStore() = default;

int SqliteStateStore::schema_version() {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  q.Step();
  const int version = static_cast<int>(q.Int(0));
  q.Exec();  // ends the read (see the constructor)
  return version;
}

// --- exports

StoredExport SqliteStateStore::InsertExport(const StoredExport& e) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare(
      "INSERT INTO exports(id, config, paused, created_at, last_updated_at, last_paused_at, "
      "next_interval_start, next_due_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  q.Bind(1, e.id)
      .Bind(2, secrets_.SealSecrets(e.config).dump())
      .Bind(3, int64_t{e.paused})
      .Bind(4, e.created_at)
      .Bind(5, e.last_updated_at)
      .Bind(6, e.last_paused_at)
      .Bind(7, e.next_interval_start)
      .Bind(8, e.next_due_at)
      .Exec();
  StoredExport out = e;
  out.seq = db_->LastInsertId();
  return out;
}

std::optional<StoredExport> SqliteStateStore::GetExportLocked(const std::string& id) {
  Statement& q =
      db_->Prepare("SELECT " BX_EXPORT_COLUMNS " FROM exports WHERE id = ?1 AND deleted = 0");
  q.Bind(1, id);
  if (!q.Step()) return std::nullopt;
  StoredExport e = ReadExport(q, secrets_);
  q.Exec();
  return e;
}

std::optional<StoredExport> SqliteStateStore::GetExport(const std::string& id) {
  std::lock_guard lock(mu_);
  return GetExportLocked(id);
}

namespace {

std::vector<StoredExport> ReadExports(Statement& q, const SecretBox& secrets) {
  std::vector<StoredExport> out;
  while (q.Step()) out.push_back(ReadExport(q, secrets));
  return out;
}

}  // namespace

std::vector<StoredExport> SqliteStateStore::ListExports(std::optional<int64_t> before_seq,
                                                        size_t limit) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare("SELECT " BX_EXPORT_COLUMNS
                              " FROM exports WHERE deleted = 0 AND seq < ?1 "
                              "ORDER BY seq DESC LIMIT ?2");
  q.Bind(1, before_seq.value_or(kNoCursor)).Bind(2, static_cast<int64_t>(limit));
  return ReadExports(q, secrets_);
}

bool SqliteStateStore::UpdateExportConfig(const std::string& id, const nlohmann::json& config,
                                          Micros now) {
  std::lock_guard lock(mu_);
  return db_->Prepare(
                "UPDATE exports SET config = ?2, last_updated_at = ?3 WHERE id = ?1 AND "
                "deleted = 0")
             .Bind(1, id)
             .Bind(2, secrets_.SealSecrets(config).dump())
             .Bind(3, now)
             .Exec() == 1;
}

bool SqliteStateStore::SetPaused(const std::string& id, bool paused, Micros now) {
  std::lock_guard lock(mu_);
  return db_->Prepare(
                "UPDATE exports SET last_paused_at = CASE WHEN ?2 AND paused = 0 THEN ?3 ELSE "
                "last_paused_at END, paused = ?2, last_updated_at = ?3 "
                "WHERE id = ?1 AND deleted = 0")
             .Bind(1, id)
             .Bind(2, int64_t{paused})
             .Bind(3, now)
             .Exec() == 1;
}

std::optional<std::vector<std::string>> SqliteStateStore::DeleteExport(const std::string& id,
                                                                       Micros now) {
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  if (db_->Prepare("UPDATE exports SET deleted = 1, last_updated_at = ?2 WHERE id = ?1 AND "
                   "deleted = 0")
          .Bind(1, id)
          .Bind(2, now)
          .Exec() != 1) {
    return std::nullopt;
  }
  std::vector<std::string> running = RunningIds(
      db_->Prepare("SELECT id FROM runs WHERE export_id = ?1 AND status = 'Running'").Bind(1, id));
  db_->Prepare(
         "UPDATE runs SET status = 'Cancelled', finished_at = ?2, ready_at = NULL, "
         "next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL, "
         "fencing_token = fencing_token + 1 WHERE export_id = ?1 AND status IN ('Starting', "
         "'Running', 'FailedRetryable')")
      .Bind(1, id)
      .Bind(2, now)
      .Exec();
  db_->Prepare(
         "UPDATE backfills SET status = 'Cancelled', finished_at = ?2 WHERE export_id = ?1 AND "
         "status = 'Running'")
      .Bind(1, id)
      .Bind(2, now)
      .Exec();
  tx.Commit();
  return running;
}

// --- schedule

std::vector<StoredExport> SqliteStateStore::DueExports(Micros now, size_t limit) {
  std::lock_guard lock(mu_);
  Statement& q = db_->Prepare("SELECT " BX_EXPORT_COLUMNS
                              " FROM exports WHERE paused = 0 AND deleted = 0 AND "
                              "next_due_at <= ?1 ORDER BY next_due_at LIMIT ?2");
  q.Bind(1, now).Bind(2, static_cast<int64_t>(limit));
  return ReadExports(q, secrets_);
}

std::optional<Micros> SqliteStateStore::EarliestDue() {
  std::lock_guard lock(mu_);
  Statement& q =
      db_->Prepare("SELECT MIN(next_due_at) FROM exports WHERE paused = 0 AND deleted = 0");
  q.Step();
  auto out = q.OptionalInt(0);
  q.Exec();
  return out;
}

void SqliteStateStore::InsertRunsLocked(const std::string& export_id,
                                        const std::optional<std::string>& backfill,
                                        const std::vector<NewRun>& runs, Micros now) {
  for (const NewRun& r : runs) {
    db_->Prepare(
           "INSERT INTO runs(id, export_id, backfill_id, data_interval_start, data_interval_end, "
           "status, created_at, next_attempt_at, ready_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, 'Starting', ?6, ?6, ?6) ON CONFLICT DO NOTHING")
        .Bind(1, r.id)
        .Bind(2, export_id)
        .Bind(3, backfill)
        .Bind(4, r.interval.start)
        .Bind(5, r.interval.end)
        .Bind(6, now)
        .Exec();
  }
}

std::optional<size_t> SqliteStateStore::AdvanceSchedule(const std::string& export_id,
                                                        Micros expected_start,
                                                        const std::vector<NewRun>& runs,
                                                        Micros next_start, Micros next_due,
                                                        Micros now) {
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  if (db_->Prepare("UPDATE exports SET next_interval_start = ?3, next_due_at = ?4 "
                   "WHERE id = ?1 AND next_interval_start = ?2 AND deleted = 0")
          .Bind(1, export_id)
          .Bind(2, expected_start)
          .Bind(3, next_start)
          .Bind(4, next_due)
          .Exec() != 1) {
    return std::nullopt;
  }
  const int64_t before = db_->TotalChanges();
  InsertRunsLocked(export_id, std::nullopt, runs, now);
  const size_t created = static_cast<size_t>(db_->TotalChanges() - before);
  tx.Commit();
  return created;
}

bool SqliteStateStore::SetSchedulePosition(const std::string& export_id, Micros next_start,
                                           Micros next_due) {
  std::lock_guard lock(mu_);
  return db_->Prepare(
                "UPDATE exports SET next_interval_start = ?2, next_due_at = ?3 "
                "WHERE id = ?1 AND deleted = 0")
             .Bind(1, export_id)
             .Bind(2, next_start)
             .Bind(3, next_due)
             .Exec() == 1;
}

std::unique_ptr<SqliteStateStore> OpenSqliteStateStore(const std::filesystem::path& data_dir,
                                                       const std::filesystem::path& key_file) {
  CreatePrivateDirectory(data_dir, "--data-dir");
  CreatePrivateFile(data_dir / "state.db");
  return std::make_unique<SqliteStateStore>(data_dir / "state.db",
                                            SecretBox::FromEnvironmentOrFile(data_dir, key_file));
}

}  // namespace bx
