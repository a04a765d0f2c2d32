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

WriteLocation FileWriteLocation(const FileDestinationConfig& file) {
  // Resolved as far as it exists, so two spellings of one directory (relative, through a link)
  // are one location.
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::weakly_canonical(file.path, ec);
  if (ec) dir = std::filesystem::absolute(file.path, ec).lexically_normal();
  std::string text = dir.string();
  while (!text.empty() && text.back() == '/') text.pop_back();
  WriteLocation location;
  location.space = "file:" + text;
  location.prefix_template = file.output.keys.prefix_template;
  location.shown = text + "/" + location.prefix_template;
  return location;
}

void RegisterFileDestination(DestinationRegistry& registry) {
  std::vector<ConfigField> fields = {
      {.name = "path",
       .label = "Directory",
       .required = true,
       .help = "On the server's machine; created when missing. Nothing below it is reached "
               "through a symbolic link.",
       .placeholder = "/data/exports"}};
  for (ConfigField& field : FileOutputFields()) fields.push_back(std::move(field));
  registry.Add(
      {.name = "File",
       .description = {.label = "Local directory",
                       .description = "Files in a directory of the server's machine, "
                                      "staged in a hidden directory and published when "
                                      "the whole interval is written.",
                       .summary = "{path}/{prefix}",
                       .fields = std::move(fields)},
       .validate = [](const nlohmann::json& config) { ParseFileDestinationConfig(config); },
       .make = [](const nlohmann::json& config) -> std::unique_ptr<Destination> {
         FileDestinationConfig file = ParseFileDestinationConfig(config);
         return std::make_unique<ObjectStoreDestination>(
             std::make_shared<FileObjectStore>(file.path), std::move(file.output));
       },
       .location =
           [](const nlohmann::json& config) {
             return FileWriteLocation(ParseFileDestinationConfig(config));
           }});
}

}  // namespace bx
