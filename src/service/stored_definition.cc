#include "service/stored_definition.h"

#include "sink/all/destinations.h"

namespace bx {

ExportDefinition StoredDefinition(const StoredExport& e) {
  nlohmann::json config = e.config;
  config["id"] = e.id;
  ExportDefinition def = ParseValidExport(config);
  def.paused = e.paused;
  return def;
}

}  // namespace bx
