#include "core/export_definition.h"

#include <fmt/format.h>

#include "base/error.h"
#include "core/json_fields.h"

namespace bx {

ExportDefinition ParseExportDefinition(const nlohmann::json& json) {
  JsonFields top(json, "");
  ExportDefinition def;
  def.id = top.OptionalString("id").value_or("");
  def.name = top.RequiredString("name");

  const std::string model = top.OptionalString("model").value_or("events");
  const auto parsed_model = ParseModel(model);
  if (!parsed_model) {
    throw InvalidArgument("model",
                          "'" + model + "' is not a model; use events, persons or sessions");
  }
  def.model = *parsed_model;

  const std::string interval = top.RequiredString("interval");
  const auto kind = ParseIntervalKind(interval);
  if (!kind) {
    throw InvalidArgument("interval", "'" + interval +
                                          "' is not an interval; use hour, day, week, "
                                          "'every 5 minutes' or 'every 15 minutes'");
  }
  def.interval = *kind;
  def.timezone = top.OptionalString("timezone").value_or("UTC");
  def.interval_offset = top.OptionalInt("interval_offset", INT64_MIN, INT64_MAX).value_or(0);
  (void)def.schedule();  // validates timezone and interval_offset together with the interval

  def.team_id = top.OptionalInt("team_id", 0, INT64_MAX);
  def.paused = top.OptionalBool("paused").value_or(false);
  if (auto s = top.OptionalString("start_at")) def.start_at = ParseIsoTime(*s, "start_at");
  if (auto s = top.OptionalString("end_at")) def.end_at = ParseIsoTime(*s, "end_at");
  if (def.start_at && def.end_at && *def.start_at >= *def.end_at) {
    throw InvalidArgument("end_at", "must be after start_at");
  }

  const nlohmann::json* dest = top.Optional("destination");
  if (!dest) throw InvalidArgument("destination", "is required");
  JsonFields destination(*dest, "destination");
  def.destination_type = destination.RequiredString("type");
  const nlohmann::json* config_json = destination.Optional("config");
  if (!config_json) throw InvalidArgument("destination.config", "is required");
  JsonFields config(*config_json, "destination.config");
  def.destination_config = *config_json;
  def.include_events = config.OptionalStringList("include_events");
  def.exclude_events = config.OptionalStringList("exclude_events");
  destination.RejectUnknown();
  top.RejectUnknown();
  return def;
}

}  // namespace bx
