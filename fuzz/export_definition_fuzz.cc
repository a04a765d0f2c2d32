// The API body / export definition parser: JSON from outside (ParseUntrustedJson), as a whole
// definition (POST) or as a JSON merge patch on a valid one (PATCH), through ParseValidExport
// (sink/all: the common fields, then the destination's own config).
// Invariant: never crashes; anything refused is refused with InvalidArgument naming a field;
// a definition accepted has a working schedule, and every key its files get (data files and
// manifest, for any interval) stays inside the destination: relative, no "." or ".." segment,
// never leaving `path` for a File destination.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "core/json_parse.h"
#include "core/object_key.h"
#include "core/schemas.h"
#include "fuzz_check.h"
#include "sink/all/destinations.h"
#include "sink/file/file_destination.h"
#include "sink/s3/s3_destination.h"

namespace {

using nlohmann::json;

// A valid definition that the PATCH half of the inputs changes.
const json& Base() {
  static const json base = json::parse(R"({
    "name": "hourly", "model": "events", "interval": "hour", "timezone": "Europe/Berlin",
    "destination": {"type": "File", "config": {"path": "/data/exports",
      "prefix": "events/{year}/{month}/{day}/{hour}", "file_format": "JSONLines",
      "compression": "gzip", "max_file_size_mb": 100}}})");
  return base;
}

void CheckKey(const std::string& key, const std::string& root) {
  FUZZ_CHECK(!key.empty() && key.front() != '/', "a key that is empty or absolute: " + key);
  size_t begin = 0;
  while (begin <= key.size()) {
    const size_t slash = std::min(key.find('/', begin), key.size());
    const std::string_view segment = std::string_view(key).substr(begin, slash - begin);
    FUZZ_CHECK(segment != ".." && segment != "." && !segment.empty(),
               "a key with an empty, '.' or '..' segment: " + key);
    begin = slash + 1;
  }
  if (root.empty()) return;
  const std::filesystem::path base = std::filesystem::path(root).lexically_normal();
  const std::filesystem::path full = (base / key).lexically_normal();
  const std::filesystem::path rel = full.lexically_relative(base);
  FUZZ_CHECK(!rel.empty() && *rel.begin() != "..", "a key that leaves path " + root + ": " + key);
}

void CheckAccepted(const bx::ExportDefinition& def) {
  const bx::Schedule schedule = def.schedule();  // the zone and offset were validated
  bx::KeyLayout layout;
  std::string root;
  if (def.destination_type == "File") {
    const bx::FileDestinationConfig config = bx::ParseFileDestinationConfig(def.destination_config);
    layout = config.output.keys;
    root = config.path;
    FUZZ_CHECK(!root.empty(), "a File destination without a path");
  } else {
    layout =
        bx::ParseS3DestinationConfig(def.destination_config, def.destination_type == "S3Compatible")
            .output.keys;
  }
  // Intervals around two dates: a DST change in Berlin and a leap day.
  for (const bx::Micros t : {1711846800LL * 1000000, 1709164800LL * 1000000}) {
    const bx::Micros b = schedule.Floor(t);
    const bx::Interval interval{b, schedule.Next(b)};
    std::vector<std::string> warnings;
    const bx::IntervalKeys keys(layout, interval, bx::FileSchema(def.model).table, &warnings);
    for (size_t n : {0, 1, 12}) CheckKey(keys.DataKey(n), root);
    CheckKey(keys.ManifestKey(), root);
  }
}

void Check(const json& body) {
  std::optional<bx::ExportDefinition> def;
  try {
    def = bx::ParseValidExport(body);
  } catch (const bx::Error& e) {
    FUZZ_CHECK(e.kind() == bx::ErrorKind::kInvalidArgument,
               "refused with " + e.type() + " rather than InvalidArgument: " + e.message());
    FUZZ_CHECK(!e.message().empty(), "refused without a message");
    return;
  }
  CheckAccepted(*def);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool patch = data[0] & 1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<json> parsed;
  try {
    parsed = bx::ParseUntrustedJson(text, "", "the request body");
  } catch (const bx::Error& e) {
    FUZZ_CHECK(e.kind() == bx::ErrorKind::kInvalidArgument, "JSON refused with " + e.type());
    return 0;
  }
  if (!parsed) return 0;  // not JSON: the API answers 400
  if (!patch) {
    Check(*parsed);
    return 0;
  }
  if (!parsed->is_object()) return 0;  // the service refuses a patch that is not an object
  json merged = Base();
  merged.merge_patch(*parsed);
  Check(merged);
  return 0;
}
