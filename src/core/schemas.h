#pragma once
// The columns each model exports to files (SPEC §3), in order. Fixed per model, never inferred.

#include <optional>
#include <string_view>

#include "core/record_batch.h"

namespace bx {

enum class Model { kEvents, kPersons, kSessions };

std::optional<Model> ParseModel(std::string_view name);
std::string_view ModelName(Model m);
const Schema& FileSchema(Model m);

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
