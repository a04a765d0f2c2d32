#pragma once
// The models as data: each model's columns (in the order every destination gets them; fixed,
// never inferred), which rows count as the same within a run, and the key that identifies a row
// downstream (warehouse destinations merge on it).

#include <optional>
#include <string_view>
#include <vector>

#include "core/record_batch.h"

namespace bx {

enum class Model { kEvents, kPersons, kSessions };

// The columns a destination gets: files (File, S3) the reference's file columns; tables
// (Postgres, Redshift, BigQuery, Snowflake) the reference's warehouse columns. They differ for
// events only: a table has uuid, event, properties, elements, set, set_once, distinct_id,
// team_id, ip, site_url, timestamp, person_id, person_properties, _inserted_at.
enum class Layout { kFiles, kTables };

std::optional<Model> ParseModel(std::string_view name);
std::string_view ModelName(Model m);
const Schema& FileSchema(Model m);
const Schema& TableSchema(Model m);
const Schema& ModelSchema(Model m, Layout layout);

struct ModelSpec {
  Model model;
  const Schema* schema;
  // Rows equal on these columns are exported once per run (events: event, distinct_id, uuid).
  std::vector<size_t> dedup_columns;
  // What identifies a row downstream: events uuid; persons (team_id, distinct_id); sessions
  // (team_id, session_id). A newer row replaces an older one with the same key.
  std::vector<size_t> key_columns;
  // What makes a row newer than a stored one with the same key: any of these columns greater
  // (persons: person_version or person_distinct_id_version; sessions: end_timestamp or
  // _inserted_at, a late event with an earlier timestamp still completing the session). None
  // for events: an interval's rows replace that interval's.
  std::vector<size_t> version_columns;
};
const ModelSpec& GetModelSpec(Model m, Layout layout = Layout::kFiles);

// Column positions in FileSchema(kEvents).
namespace events_col {
enum : size_t {
  kUuid,
  kEvent,
  kDistinctId,
  kPersonId,
  kProperties,
  kPersonProperties,
  kElementsChain,
  kTimestamp,
  kCreatedAt,
  kInsertedAt,
};
}  // namespace events_col

}  // namespace bx
