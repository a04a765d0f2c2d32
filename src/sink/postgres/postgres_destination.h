#pragma once
// The Postgres destination: each interval's rows COPYed (text format, streamed as they are
// read), in one transaction: events straight into the table after deleting the interval's rows
// (by _inserted_at and the export's filters); persons and sessions, and events for a table
// without _inserted_at, through a temporary stage, then merged by key, newer versions winning,
// or replacing the staged uuids (sink/postgres/postgres_table.h). A run that fails or is killed
// leaves the table as it was.
//   "destination": {"type": "Postgres", "config": {"host", "database", "user", ...}}

#include "sink/destination_registry.h"

namespace bx {

void RegisterPostgresDestination(DestinationRegistry& registry);

}  // namespace bx
