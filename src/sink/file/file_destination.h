#pragma once
// The File destination: an export's files in a local directory, laid out exactly as S3 keys.
//   "destination": {"type": "File", "config": {"path": "/data/exports", "prefix": ..., ...}}

#include <string>

#include <nlohmann/json.hpp>

#include "sink/destination_registry.h"
#include "sink/objects/file_output.h"

namespace bx {

struct FileDestinationConfig {
  std::string path;  // the directory the keys are laid out under
  FileOutput output;
};

// Throws InvalidArgument naming the field ("destination.config.path").
FileDestinationConfig ParseFileDestinationConfig(const nlohmann::json& config);

// The directory `path` resolved (as far as it exists) and the prefix.
WriteLocation FileWriteLocation(const FileDestinationConfig& file);

void RegisterFileDestination(DestinationRegistry& registry);

}  // namespace bx
