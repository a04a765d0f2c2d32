#pragma once
// The one place that chooses what a service runs on: the state store (SQLite in the data dir, or
// PostgreSQL shared by several nodes), who leads the scheduler, the source and the
// destinations. Test doubles in the options come first.

#include <memory>

#include "service/run_executor.h"
#include "service/service.h"
#include "state/leader_election.h"
#include "state/state_store.h"

namespace bx {

struct Backends {
  std::unique_ptr<StateStore> store;
  std::unique_ptr<LeaderElection> leader;
  std::shared_ptr<Source> source;
  DestinationFactory destinations;
};

// Throws bx::Error when the data dir, the state or the source is unusable.
Backends OpenBackends(const ServiceOptions& options);

// Throws InvalidArgument("--state", ...) unless `url` is empty (SQLite) or a postgres:// URL.
void ValidateStateUrl(const std::string& url);

}  // namespace bx
