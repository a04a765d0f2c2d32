#pragma once
// The Redshift destination (config: sink/redshift/redshift_config.h). Each run is one
// transaction: events after deleting the interval's rows the export takes; persons and sessions
// through a temporary stage whose rows not newer than the table's are deleted before a MERGE
// (Redshift has no ON CONFLICT and enforces no keys). The rows get there by multi-row INSERT
// statements with bound parameters (mode insert) or by COPY from gzip JSON lines files staged in
// S3 with a manifest (mode copy; the files are deleted after the commit).
//   "destination": {"type": "Redshift", "config": {"host", "database", "user", ...}}

#include "sink/destination_registry.h"

namespace bx {

void RegisterRedshiftDestination(DestinationRegistry& registry);

}  // namespace bx
