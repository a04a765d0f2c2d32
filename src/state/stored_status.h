#pragma once
// Status names as the SQL state stores read them back: a name the store holds but this program
// does not know means a corrupt or newer database, an internal error.

#include <string_view>

#include "core/records.h"

namespace bx {

RunStatus StoredRunStatus(std::string_view name);
BackfillStatus StoredBackfillStatus(std::string_view name);

}  // namespace bx
