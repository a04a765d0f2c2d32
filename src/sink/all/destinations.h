#pragma once
// The destinations this program knows: the one list of built-in types (File, S3,
// S3Compatible), to which tests may add their own. Adding a destination is a folder under
// sink/ and one line in destinations.cc.

#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/export_definition.h"
#include "sink/destination.h"
#include "sink/destination_registry.h"

namespace bx {

// The registry, with the built-in destinations registered on first use.
DestinationRegistry& Destinations();

// ParseExportDefinition, and the destination's own validation of its config: throws
// InvalidArgument naming the first wrong field.
ExportDefinition ParseValidExport(const nlohmann::json& json);

// Where a valid definition's destination writes its keys; std::nullopt for destination types
// whose writes cannot collide.
std::optional<WriteLocation> WriteLocationOf(const ExportDefinition& def);

// The destination of a valid definition.
std::unique_ptr<Destination> MakeDestination(const ExportDefinition& def);

}  // namespace bx
