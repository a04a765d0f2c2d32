#pragma once
// The BigQuery destination (config: sink/bigquery/bigquery_config.h). Per interval: the table
// is created when missing (the model's columns; an existing table gets the columns it has), the
// rows go as JSON lines in one load job into a stage table of this attempt (expiring after a
// day, whatever happens to the run), then one query job moves them: events replace the
// interval's rows in a transaction (delete + insert), persons and sessions MERGE (the newer
// version wins); the stage is dropped. Job ids derive from the attempt, so a request retried
// after a lost answer finds its job instead of loading twice.
//   "destination": {"type": "BigQuery", "config": {"project_id", "dataset_id", "table_id", ...}}

#include "sink/destination_registry.h"

namespace bx {

void RegisterBigQueryDestination(DestinationRegistry& registry);

}  // namespace bx
