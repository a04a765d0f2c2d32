#pragma once
// Two exports writing the same directory delete and replace each other's interval files (a
// rerun removes what it did not write). Creating or changing an export that would write where
// another (not deleted, paused or not) already writes is refused with a Conflict (409) naming
// the other export; sink/write_location.h has the rule.

#include <string>

#include "core/export_definition.h"
#include "state/state_store.h"

namespace bx {

// Throws Conflict when a new export `def` may write where a stored export does.
void RefuseOverlappingExports(StateStore& store, const ExportDefinition& def);

// The same for `self` changed to `def`, when its destination changed (so that exports stored
// before this rule stay editable); `self` is not compared with itself.
void RefuseOverlappingExports(StateStore& store, const ExportDefinition& def,
                              const StoredExport& self);

}  // namespace bx
