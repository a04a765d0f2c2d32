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

std::optional<Model> ParseModel(std::string_view name);
std::string_view ModelName(Model m);
const Schema& FileSchema(Model m);

struct ModelSpec {
  Model model;
  const Schema* schema;
  // Rows equal on these columns are exported once per run (events: event, distinct_id, uuid).
  std::vector<size_t> dedup_columns;
  // What identifies a row downstream: events uuid; persons (team_id, distinct_id); sessions
  // (team_id, session_id). A newer row replaces an older one with the same key.
  std::vector<size_t> key_columns;
};
const ModelSpec& GetModelSpec(Model m);

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
