#pragma once
// A batch export's saved configuration, in the API's JSON shape:
// {"name", "model", "interval", "timezone"?, "interval_offset"?, "team_id"?, "paused"?,
//  "start_at"?, "end_at"?, "destination": {"type", "config": {...}}}.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/intervals.h"
#include "core/object_key.h"
#include "core/schemas.h"

namespace bx {

// What File, S3 and S3Compatible destinations share: key layout and splitting.
struct FileOutput {
  KeyLayout keys;
  std::optional<uint64_t> max_file_size_bytes;  // unset: one file per interval
};

struct FileDestinationConfig {
  std::string path;  // the directory the keys are laid out under
  FileOutput output;
};

// "S3" (AWS) and "S3Compatible" (MinIO, R2, GCS, Ceph, ...) destinations.
struct S3DestinationConfig {
  bool compatible = false;  // S3Compatible
  std::string bucket_name;
  std::string region;  // S3Compatible: "us-east-1" unless set; "auto" for R2
  FileOutput output;
  // Empty: taken from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
  std::string aws_access_key_id;
  std::string aws_secret_access_key;
  std::string aws_session_token;
  std::string encryption;    // AWS only: "", "AES256" or "aws:kms"
  std::string kms_key_id;    // AWS only, with aws:kms
  std::string endpoint_url;  // S3Compatible only (required): http(s)://host[:port][/path]
  bool use_virtual_style_addressing = false;  // S3Compatible only
};

using DestinationConfig = std::variant<FileDestinationConfig, S3DestinationConfig>;

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
  std::string destination_type;  // "File", "S3", "S3Compatible"
  DestinationConfig destination;
  std::vector<std::string> include_events;
  std::vector<std::string> exclude_events;

  Schedule schedule() const { return Schedule(interval, timezone, interval_offset); }
  // The file layout, for destinations that write files; nullptr for the others.
  const FileOutput* file_output() const;
};

// Validates everything; throws InvalidArgument naming the first wrong field.
ExportDefinition ParseExportDefinition(const nlohmann::json& json);

}  // namespace bx
