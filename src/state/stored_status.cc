#include "state/stored_status.h"

#include <string>

#include "base/error.h"

namespace bx {

RunStatus StoredRunStatus(std::string_view name) {
  auto s = ParseRunStatus(name);
  if (!s) {
    throw Error(ErrorKind::kInternal, "StateStoreError", "unknown run status " + std::string(name));
  }
  return *s;
}

BackfillStatus StoredBackfillStatus(std::string_view name) {
  auto s = ParseBackfillStatus(name);
  if (!s) {
    throw Error(ErrorKind::kInternal, "StateStoreError",
                "unknown backfill status " + std::string(name));
  }
  return *s;
}

}  // namespace bx
