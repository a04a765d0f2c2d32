#include "server/reference_fields.h"

#include "base/error.h"

namespace bx {
namespace {

using nlohmann::json;

constexpr int64_t kDay = 86400, kHour = 3600;

// What the reference does with a field we do not implement, said in the warning.
struct Ignored {
  const char* field;
  const char* why;
};

constexpr Ignored kIgnoredTop[] = {
    {"hogql_query", "HogQL queries are not supported; the events model's columns are exported"},
    {"hogql_modifiers", "HogQL exports are not supported"},
    {"primary_key", "HogQL exports are not supported"},
    {"version_key", "HogQL exports are not supported"},
    {"filters",
     "property filters are not supported; choose events with destination.config.include_events "
     "or exclude_events"},
};

constexpr const char* kIntegrationWhy =
    "integrations are not supported; put aws_access_key_id and aws_secret_access_key in "
    "destination.config, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY where the server "
    "runs";

// Read-only in the reference: it ignores them on input, and so do we (and our own `warnings`,
// for a client that sends back what a create answered).
constexpr const char* kReadOnly[] = {"latest_runs",     "schema",         "created_at",
                                     "last_updated_at", "last_paused_at", "warnings"};

bool HasValue(const json& v) {
  if (v.is_null()) return false;
  if (v.is_string() || v.is_array() || v.is_object()) return !v.empty();
  return true;
}

void Drop(json& object, const std::string& field, const std::string& path, const std::string& why,
          std::vector<std::string>& warnings) {
  const auto it = object.find(field);
  if (it == object.end()) return;
  if (HasValue(*it)) warnings.push_back(path + ": ignored: " + why);
  object.erase(it);
}

std::optional<int64_t> Offset(const json& body, const char* field, int64_t max) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > max) {
    throw InvalidArgument(field, "must be a whole number from 0 to " + std::to_string(max));
  }
  return it->get<int64_t>();
}

// The reference's offset_day (0 = Sunday) and offset_hour, as our interval_offset.
void TranslateOffsets(json& body, const ReferenceRequest& r) {
  const bool has_day = body.contains("offset_day"), has_hour = body.contains("offset_hour");
  if (!has_day && !has_hour) return;
  const std::optional<int64_t> day = Offset(body, "offset_day", 6);
  const std::optional<int64_t> hour = Offset(body, "offset_hour", 23);
  body.erase("offset_day");
  body.erase("offset_hour");
  const char* field = has_hour ? "offset_hour" : "offset_day";
  if (body.contains("interval_offset") && !body["interval_offset"].is_null()) {
    throw InvalidArgument(field,
                          "give either interval_offset (seconds) or offset_day / offset_hour");
  }
  std::string interval;
  if (body.contains("interval") && body["interval"].is_string()) {
    interval = body["interval"].get<std::string>();
  } else if (r.patch && r.current_interval) {
    interval = r.current_interval();
  } else {
    return;  // no interval: the service refuses the body for that
  }
  if (interval == "week") {
    if (day || hour) body["interval_offset"] = day.value_or(0) * kDay + hour.value_or(0) * kHour;
    return;
  }
  if (day) throw InvalidArgument("offset_day", "is only for week intervals");
  if (interval == "day") {
    if (has_hour) body["interval_offset"] = hour ? json(*hour * kHour) : json(nullptr);
    return;
  }
  if (hour) throw InvalidArgument("offset_hour", "is only for day and week intervals");
}

}  // namespace

std::vector<std::string> AcceptReferenceFields(json& body, const ReferenceRequest& r) {
  std::vector<std::string> warnings;
  if (!body.is_object()) return warnings;
  for (const Ignored& i : kIgnoredTop) Drop(body, i.field, i.field, i.why, warnings);
  if (const auto it = body.find("incremental_mode"); it != body.end()) {
    // APPEND, the reference's default, is what every export here does.
    const bool append = it->is_string() && (*it == "APPEND" || *it == "append");
    if (!append)
      Drop(body, "incremental_mode", "incremental_mode", "every export appends", warnings);
    body.erase("incremental_mode");
  }
  for (const char* field : kReadOnly) body.erase(field);
  if (r.team_id) {
    if (r.patch) {
      body.erase("team_id");
    } else {
      body["team_id"] = *r.team_id;
    }
  }
  if (const auto dest = body.find("destination"); dest != body.end() && dest->is_object()) {
    for (const char* field : {"integration", "integration_id"}) {
      Drop(*dest, field, std::string("destination.") + field, kIntegrationWhy, warnings);
    }
  }
  TranslateOffsets(body, r);
  return warnings;
}

}  // namespace bx
