#pragma once
// An export's definition as stored: its config with the id the store gave it, validated by its
// destination, and whether it is paused.

#include "core/export_definition.h"
#include "state/state_store.h"

namespace bx {

ExportDefinition StoredDefinition(const StoredExport& e);

}  // namespace bx
