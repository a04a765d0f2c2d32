#pragma once
// A batch export's saved configuration, in the API's JSON shape:
// {"name", "model", "interval", "timezone"?, "interval_offset"?, "team_id"?, "paused"?,
//  "start_at"?, "end_at"?, "destination": {"type", "config": {...}}}.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/intervals.h"
#include "core/schemas.h"

namespace bx {

struct ExportDefinition {
  std::string id;
  std::string name;
  Model model = Model::kEvents;
  IntervalKind interval = IntervalKind::kHour;
  std::string timezone = "UTC";
  int64_t interval_offset = 0;
  std::optional<int64_t> team_id;
  std::optional<Micros> start_at;
  std::optional<Micros> end_at;
  bool paused = false;
  // "File", "S3", ...: the destination that parses and validates `destination_config`
  // (sink/<name>/; sink/all's ParseValidExport checks both).
  std::string destination_type;
  nlohmann::json destination_config = nlohmann::json::object();
  // The events model's filters, given in destination.config as the reference API has them.
  std::vector<std::string> include_events;
  std::vector<std::string> exclude_events;

  Schedule schedule() const { return Schedule(interval, timezone, interval_offset); }
};

// Validates every field but the destination's config; throws InvalidArgument naming the first
// wrong field.
ExportDefinition ParseExportDefinition(const nlohmann::json& json);

}  // namespace bx
