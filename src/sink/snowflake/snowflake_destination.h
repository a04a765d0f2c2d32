#pragma once
// The Snowflake destination (config: sink/snowflake/snowflake_config.h), over the SQL API v2.
// Per interval: the table is created when missing (an existing one gets the columns it has),
// a transient stage table of this attempt is filled by batched INSERT ... SELECT statements
// under the API's statement size, then one multi-statement request moves the rows in a
// transaction (events: delete the interval's rows + insert; persons, sessions: MERGE, the
// newer version wins) and the stage is dropped. Every request's id derives from the attempt and
// step, and a resubmission says retry=true: no statement runs twice.
//   "destination": {"type": "Snowflake", "config": {"account", "user", "private_key", ...}}

#include "sink/destination_registry.h"

namespace bx {

void RegisterSnowflakeDestination(DestinationRegistry& registry);

}  // namespace bx
