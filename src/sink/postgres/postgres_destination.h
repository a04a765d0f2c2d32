#pragma once
// The Postgres destination: each interval's rows COPYed (text format, streamed as they are
// read) into a temporary stage, then moved into the table in one transaction: events replace
// the rows with the staged uuids, persons and sessions merge by key, newer versions winning
// (sink/postgres/postgres_table.h). A run that fails or is killed leaves the table as it was.
//   "destination": {"type": "Postgres", "config": {"host", "database", "user", ...}}

#include "sink/destination_registry.h"

namespace bx {

void RegisterPostgresDestination(DestinationRegistry& registry);

}  // namespace bx
