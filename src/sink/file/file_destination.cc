#include "sink/file/file_destination.h"

#include "core/object_key.h"
#include "sink/file/file_object_store.h"
#include "sink/objects/object_store_destination.h"

namespace bx {

FileDestinationConfig ParseFileDestinationConfig(const nlohmann::json& config) {
  JsonFields fields = DestinationConfigFields(config);
  FileDestinationConfig file;
  file.path = fields.RequiredString("path");
  RejectControlCharacters(file.path, fields.Path("path"));
  file.output = ParseFileOutput(fields);
  fields.RejectUnknown();
  return file;
}

void RegisterFileDestination(DestinationRegistry& registry) {
  registry.Add({"File",
                [](const nlohmann::json& config) { ParseFileDestinationConfig(config); },
                [](const nlohmann::json& config) -> std::unique_ptr<Destination> {
                  FileDestinationConfig file = ParseFileDestinationConfig(config);
                  return std::make_unique<ObjectStoreDestination>(
                      std::make_shared<FileObjectStore>(file.path), std::move(file.output));
                },
                {}});
}

}  // namespace bx
