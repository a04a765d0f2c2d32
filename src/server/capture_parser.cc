#include "server/capture_parser.h"

#include <sys/random.h>

#include <cctype>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "core/json_parse.h"
#include "core/json_sanitizer.h"
#include "server/api_error.h"

namespace bx {
namespace {

using nlohmann::json;

std::string FormatUuid(uint64_t hi, uint64_t lo) {
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::mt19937_64& ThreadRng() {
  thread_local std::mt19937_64 rng = [] {
    uint64_t seed = 0;
    if (::getrandom(&seed, sizeof seed, 0) != sizeof seed) seed = std::random_device{}();
    return std::mt19937_64(seed);
  }();
  return rng;
}

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Parses the body, cleaning invalid UTF-8 and lone surrogates first when plain parsing fails.
json ParseBody(std::string_view body) {
  if (std::optional<json> parsed = ParseUntrustedJson(body, "", "the request body")) {
    return std::move(*parsed);
  }
  JsonSanitizer sanitizer;
  std::string cleaned;
  if (sanitizer.Append(body, cleaned) != JsonCleanliness::kNotJson) {
    json parsed = json::parse(cleaned, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  throw InvalidArgument("", "the request body is not valid JSON");
}

// One event, or the reason it is refused.
std::string ToRow(const json& event, Micros now, const CaptureOptions& options, EventRow& row) {
  if (!event.is_object()) return "an event must be a JSON object";

  const auto name = event.find("event");
  if (name == event.end() || !name->is_string()) return "event: is required (a string)";
  row.event = name->get<std::string>();
  if (row.event.empty()) return "event: must not be empty";
  if (row.event.size() > options.max_name_length) {
    return fmt::format("event: longer than {} bytes", options.max_name_length);
  }

  json properties = json::object();
  if (auto it = event.find("properties"); it != event.end() && !it->is_null()) {
    if (!it->is_object()) return "properties: must be a JSON object";
    properties = *it;
  }
  // distinct_id at the top level, or in properties as older clients send it.
  const json* distinct_id = nullptr;
  if (auto it = event.find("distinct_id"); it != event.end() && !it->is_null()) {
    distinct_id = &*it;
  } else if (auto p = properties.find("distinct_id"); p != properties.end() && !p->is_null()) {
    distinct_id = &*p;
  }
  if (!distinct_id) return "distinct_id: is required";
  if (distinct_id->is_string()) {
    row.distinct_id = distinct_id->get<std::string>();
  } else if (distinct_id->is_number_integer() || distinct_id->is_number_unsigned()) {
    row.distinct_id = distinct_id->dump();
  } else {
    return "distinct_id: must be a string or an integer";
  }
  if (row.distinct_id.find_first_not_of(" \t\r\n") == std::string::npos) {
    return "distinct_id: must not be empty";
  }
  if (row.distinct_id.size() > options.max_name_length) {
    return fmt::format("distinct_id: longer than {} bytes", options.max_name_length);
  }

  // Person updates at the top level, as some SDKs send them ($unset: a list of keys).
  for (const std::string_view key : {"$set", "$set_once", "$unset"}) {
    if (auto it = event.find(key); it != event.end() && !properties.contains(key) &&
                                   (it->is_object() || (key == "$unset" && it->is_array()))) {
      properties[key] = *it;
    }
  }

  row.timestamp = now;
  if (auto it = event.find("timestamp"); it != event.end() && !it->is_null()) {
    if (!it->is_string()) return "timestamp: must be an ISO 8601 string";
    try {
      row.timestamp = ParseIsoTime(it->get<std::string>(), "timestamp");
    } catch (const Error& e) {
      return e.message();
    }
  }

  if (auto it = event.find("uuid"); it != event.end() && !it->is_null()) {
    if (!it->is_string() || !IsUuid(it->get<std::string>())) return "uuid: is not a UUID";
    row.uuid = it->get<std::string>();
    for (char& c : row.uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else {
    row.uuid = NewUuidV7(now);
  }

  row.elements_chain.clear();
  if (auto it = event.find("elements_chain"); it != event.end() && it->is_string()) {
    row.elements_chain = it->get<std::string>();
  }

  row.properties = Dump(properties);
  if (row.properties.size() > options.max_properties_bytes) {
    return fmt::format("properties: {} bytes, more than the limit of {}", row.properties.size(),
                       options.max_properties_bytes);
  }
  row.team_id = options.team_id;
  row.created_at = now;
  row.inserted_at = now;
  return "";
}

}  // namespace

std::string NewUuidV7(Micros now) {
  auto& rng = ThreadRng();
  const uint64_t unix_ms = static_cast<uint64_t>(now / 1000);
  const uint64_t hi = (unix_ms << 16) | 0x7000 | (rng() & 0xFFF);
  const uint64_t lo = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return FormatUuid(hi, lo);
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

CaptureBatch ParseCaptureBody(std::string_view body, Micros now, const CaptureOptions& options) {
  const json parsed = ParseBody(body);
  const json* events = nullptr;
  json single = json::array();
  if (parsed.is_array()) {
    events = &parsed;
  } else if (parsed.is_object() && parsed.contains("batch")) {
    events = &parsed["batch"];
    if (!events->is_array()) throw InvalidArgument("batch", "must be an array of events");
  } else if (parsed.is_object()) {
    single.push_back(parsed);
    events = &single;
  } else {
    throw InvalidArgument("", "the request body must be an event or {\"batch\": [events]}");
  }
  if (events->size() > options.max_events) {
    // 413, not 400: SDKs answer it by sending the batch again in smaller parts.
    throw PayloadTooLargeError(fmt::format("batch: {} events, more than the limit of {} a request",
                                           events->size(), options.max_events));
  }

  CaptureBatch out;
  out.total = events->size();
  out.rows.reserve(events->size());
  EventRow row;
  for (size_t i = 0; i < events->size(); ++i) {
    std::string reason = ToRow((*events)[i], now, options, row);
    if (reason.empty()) {
      out.rows.push_back(std::move(row));
      row = EventRow();
    } else {
      out.rejected.push_back({i, std::move(reason)});
    }
  }
  return out;
}

}  // namespace bx
