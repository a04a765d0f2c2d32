#include "service/location_conflicts.h"

#include "base/error.h"
#include "base/log.h"
#include "service/stored_definition.h"
#include "sink/all/destinations.h"

namespace bx {

namespace {

void RefuseOverlapping(StateStore& store, const ExportDefinition& def, const std::string& self_id) {
  const std::optional<WriteLocation> mine = WriteLocationOf(def);
  if (!mine) return;
  constexpr size_t kPage = 500;
  std::optional<int64_t> before;
  for (;;) {
    const std::vector<StoredExport> page = store.ListExports(before, kPage);
    for (const StoredExport& other : page) {
      if (other.id == self_id) continue;
      std::optional<WriteLocation> theirs;
      try {
        theirs = WriteLocationOf(StoredDefinition(other));
      } catch (const Error& e) {
        // Stored before a rule it breaks existed: it cannot run, so it writes nowhere.
        spdlog::warn("export {} is not compared for a shared location: {}", other.id, e.Describe());
        continue;
      }
      if (!theirs || !MayOverlap(*mine, *theirs)) continue;
      throw Error(ErrorKind::kInvalidArgument, "Conflict",
                  "destination: export '" + other.config.value("name", std::string()) + "' (" +
                      other.id + ") already writes to " + theirs->shown + ", which this one (" +
                      mine->shown +
                      ") could write too; two exports writing the same place delete and "
                      "replace each other's files: give one of them another prefix or path");
    }
    if (page.size() < kPage) return;
    before = page.back().seq;
  }
}

}  // namespace

void RefuseOverlappingExports(StateStore& store, const ExportDefinition& def) {
  RefuseOverlapping(store, def, "");
}

void RefuseOverlappingExports(StateStore& store, const ExportDefinition& def,
                              const StoredExport& self) {
  const nlohmann::json stored = self.config.value("destination", nlohmann::json::object());
  if (def.destination_type == stored.value("type", std::string()) &&
      def.destination_config == stored.value("config", nlohmann::json())) {
    return;
  }
  RefuseOverlapping(store, def, self.id);
}

}  // namespace bx
