#include "sink/write_location.h"

#include "core/object_key.h"

namespace bx {
namespace {

// The directory of the location's keys (fixed) or what every such directory starts with.
std::string DirectoryStart(const WriteLocation& location, bool& fixed) {
  const PrefixStart start = StaticPrefixStart(location.prefix_template);
  fixed = start.fixed;
  // A fixed empty prefix writes into the space's root itself; anything else below it.
  if (start.fixed && start.text.empty()) return location.space;
  return location.space + "/" + start.text;
}

bool StartsWith(const std::string& s, const std::string& start) {
  return s.compare(0, start.size(), start) == 0;
}

}  // namespace

bool MayOverlap(const WriteLocation& a, const WriteLocation& b) {
  bool a_fixed = false, b_fixed = false;
  const std::string da = DirectoryStart(a, a_fixed);
  const std::string db = DirectoryStart(b, b_fixed);
  if (a_fixed && b_fixed) return da == db;
  if (a_fixed) return StartsWith(da, db);
  if (b_fixed) return StartsWith(db, da);
  return StartsWith(da, db) || StartsWith(db, da);
}

}  // namespace bx
