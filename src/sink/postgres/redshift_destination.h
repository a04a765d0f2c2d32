#pragma once
// The Redshift destination: the Postgres wire and config (port 5439), plus
// `properties_data_type` (`varchar`: JSON columns as VARCHAR(65535); `super`: SUPER, loaded with
// JSON_PARSE) and `mode` (`insert`). Rows go in as multi-row INSERT statements with bound
// parameters, in one transaction per run: events after deleting the interval's rows the export
// takes; persons and sessions through a temporary stage, its rows older than the table's
// deleted, then MERGE (Redshift has no ON CONFLICT and enforces no keys).
//   "destination": {"type": "Redshift", "config": {"host", "database", "user", ...}}

#include "sink/destination_registry.h"

namespace bx {

void RegisterRedshiftDestination(DestinationRegistry& registry);

}  // namespace bx
