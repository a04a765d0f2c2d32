#include "service/backends.h"

#include "base/error.h"

#include "sink/all/destinations.h"
#include "source/all/sources.h"
#include "io/postgres/pg_connection.h"
#include "state/postgres/pg_leader_election.h"
#include "state/postgres/postgres_state_store.h"
#include "state/sqlite/sqlite_state_store.h"

namespace bx {

void ValidateStateUrl(const std::string& url) {
  if (!url.empty() && !IsPostgresUrl(url)) {
    throw InvalidArgument("--state", "must be a postgres:// URL (or empty for SQLite), got '" +
                                         pg::RedactConnectionString(url) + "'");
  }
}

Backends OpenBackends(const ServiceOptions& options) {
  ValidateStateUrl(options.state_url);
  Backends b;
  if (options.state_store_factory) {
    b.store = options.state_store_factory();
  } else if (!options.state_url.empty()) {
    b.store = OpenPostgresStateStore(options.state_url, options.data_dir, options.secret_key_file);
  } else {
    b.store = OpenSqliteStateStore(options.data_dir, options.secret_key_file);
  }
  if (options.leader_election_factory) {
    b.leader = options.leader_election_factory();
  } else if (!options.state_url.empty()) {
    b.leader = std::make_unique<PostgresLeaderElection>(options.state_url);
  } else {
    b.leader = std::make_unique<AlwaysLeader>();
  }
  b.source = options.source ? options.source
                            : OpenSource(options.source_path.string(), /*create_if_missing=*/true);
  b.destinations = options.destination_factory ? options.destination_factory
                                               : DestinationFactory(MakeDestination);
  return b;
}

}  // namespace bx
