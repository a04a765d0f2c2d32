#pragma once
// Leader election over PostgreSQL: the leader holds pg_try_advisory_lock(kLeaderLockKey) on a
// connection of its own. The lock is the session's, so it goes when the connection goes: a
// leader that dies (or loses its connection) frees it at once and another node's next
// IsLeader() takes it.

#include <memory>
#include <mutex>
#include <string>

#include "state/leader_election.h"

namespace bx {

namespace pg {
class Connection;
}

class PostgresLeaderElection : public LeaderElection {
 public:
  explicit PostgresLeaderElection(std::string conninfo);
  ~PostgresLeaderElection() override;

  bool IsLeader() override;

 private:
  std::mutex mu_;
  const std::string conninfo_;
  std::unique_ptr<pg::Connection> conn_;
  bool leader_ = false;
};

}  // namespace bx
