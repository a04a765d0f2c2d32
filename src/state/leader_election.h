#pragma once
// Which node runs the scheduler: with a shared PostgreSQL store, the one holding a session
// advisory lock (state/postgres/pg_leader_election.h); with SQLite, the only node.
// Leadership only avoids duplicated work: the schedule's compare-and-set and the unique key per
// interval keep runs single even if two nodes briefly both think they lead.

namespace bx {

class LeaderElection {
 public:
  virtual ~LeaderElection() = default;
  // Tries to become (or checks it still is) the leader; cheap enough to call every tick.
  // Never throws: an unreachable server means "not the leader".
  virtual bool IsLeader() = 0;
};

class AlwaysLeader : public LeaderElection {
 public:
  bool IsLeader() override { return true; }
};

}  // namespace bx
