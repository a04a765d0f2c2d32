#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"

namespace bx {

// One row of the embedded store's `events` table.
struct EventRow {
  std::string uuid, event, distinct_id, person_id, properties, person_properties, elements_chain;
  int64_t team_id = 0;
  Micros timestamp = 0, created_at = 0, inserted_at = 0;
};

}  // namespace bx
