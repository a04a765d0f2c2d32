#include "sink/object_store.h"

#include "base/error.h"

namespace bx {

void ObjectStore::Check() {
  throw Error(ErrorKind::kInternal, "InternalError", "this destination has no check");
}

bool IsIntervalObjectName(const std::string& name, const std::string& base_name) {
  if (name.size() <= base_name.size() || name.compare(0, base_name.size(), base_name) != 0) {
    return false;
  }
  const char next = name[base_name.size()];
  return next == '-' || next == '.' || next == '_';
}

}  // namespace bx
