#pragma once
// Transactions and rows of the PostgreSQL state store: reading rows back into records, and the
// few steps several of its calls share.

#include <optional>
#include <string>
#include <vector>

#include "io/postgres/pg_connection.h"
#include "state/secret_box.h"
#include "state/state_store.h"

namespace bx::pg_store {

using pg::Connection;
using pg::Params;
using pg::Result;

// BEGIN ... COMMIT; rolled back when left without Commit() (an early return or a throw).
class Tx {
 public:
  explicit Tx(Connection& c) : c_(c) { c_.ExecScript("BEGIN"); }
  ~Tx() {
    if (!done_) c_.RollbackIfInTransaction();
  }
  void Commit() {
    c_.ExecScript("COMMIT");
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

StoredRun ReadRun(const Result& q, int i);
std::vector<StoredRun> ReadRuns(const Result& q);
StoredBackfill ReadBackfill(const Result& q, int i);
// The first column of every row: the ids of the runs a change stopped.
std::vector<std::string> Ids(const Result& q);
std::vector<StoredExport> ReadExports(const Result& q, const SecretBox& secrets);
// Inserts runs; returns how many were new (an interval that has its scheduled run is skipped).
size_t InsertRuns(Connection& c, const std::string& export_id,
                  const std::optional<std::string>& backfill, const std::vector<NewRun>& runs,
                  Micros now);
void SettleBackfill(Connection& c, const std::string& backfill_id, Micros now);
std::optional<StoredBackfill> GetBackfillOn(Connection& c, const std::string& id);

}  // namespace bx::pg_store
