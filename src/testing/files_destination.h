#pragma once
// A file-writing destination over a test's object store (in memory, failing on cue), laid out
// as `def`'s destination config says.

#include <memory>

#include "core/export_definition.h"
#include "sink/objects/object_store_destination.h"

namespace bx::testing {

inline std::unique_ptr<Destination> FilesDestination(std::shared_ptr<ObjectStore> store,
                                                     const ExportDefinition& def) {
  JsonFields config(def.destination_config, "destination.config");
  return std::make_unique<ObjectStoreDestination>(std::move(store), ParseFileOutput(config));
}

}  // namespace bx::testing
