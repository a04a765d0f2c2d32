#include "state/postgres/pg_leader_election.h"

#include "base/error.h"
#include "base/log.h"
#include "io/postgres/pg_connection.h"
#include "state/postgres/pg_migrations.h"

namespace bx {
namespace {

constexpr pg::Sql kTryLock = {"leader_try_lock", "SELECT pg_try_advisory_lock($1)"};
constexpr pg::Sql kPing = {"leader_ping", "SELECT 1"};

}  // namespace

PostgresLeaderElection::PostgresLeaderElection(std::string conninfo)
    : conninfo_(std::move(conninfo)) {}

PostgresLeaderElection::~PostgresLeaderElection() = default;

bool PostgresLeaderElection::IsLeader() {
  std::lock_guard lock(mu_);
  const bool was_leader = leader_;
  try {
    if (conn_ && conn_->ClosedWhileIdle()) conn_.reset();
    if (!conn_) {
      leader_ = false;
      conn_ = std::make_unique<pg::Connection>(conninfo_);
    }
    if (leader_) {
      conn_->Exec(kPing);  // the lock lives as long as this session answers
    } else {
      leader_ = conn_->Exec(kTryLock, pg::Params().Add(int64_t{pg::kLeaderLockKey})).Bool(0, 0);
    }
  } catch (const Error& e) {
    conn_.reset();
    leader_ = false;
    spdlog::warn("leader election: {}", e.message());
  }
  if (leader_ != was_leader) {
    spdlog::info(leader_ ? "this node is now the scheduler leader"
                         : "this node is no longer the scheduler leader");
  }
  return leader_;
}

}  // namespace bx
