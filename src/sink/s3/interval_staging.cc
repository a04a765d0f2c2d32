#include "sink/s3/interval_staging.h"

#include <spdlog/spdlog.h>

#include "base/error.h"
#include "core/json_fields.h"
#include "core/object_key.h"
#include "sink/objects/object_store_destination.h"

namespace bx {
namespace {

constexpr int64_t kDefaultStagedFileMb = 64;

}  // namespace

S3DestinationConfig ParseStagingConfig(const nlohmann::json& config, const std::string& path) {
  if (!config.is_object()) throw InvalidArgument(path, "must be an object");
  nlohmann::json inputs = config;
  // COPY reads what we write: gzip JSON lines, in files it can load in parallel.
  for (const char* fixed : {"file_format", "compression", "legacy_parquet_extension"}) {
    if (inputs.contains(fixed)) {
      throw InvalidArgument(path + "." + fixed, "is fixed for staged files (gzip JSON lines)");
    }
  }
  inputs["file_format"] = "JSONLines";
  inputs["compression"] = "gzip";
  if (!inputs.contains("max_file_size_mb")) inputs["max_file_size_mb"] = kDefaultStagedFileMb;
  JsonFields fields(inputs, path);
  return ParseS3DestinationConfig(fields, inputs.contains("endpoint_url"));
}

std::vector<ConfigField> StagingFields(ConfigField keyless) {
  std::vector<ConfigField> fields = {
      BucketNameField(),
      {.name = "region",
       .label = "Region",
       .help = "Required unless endpoint_url is set (then default us-east-1).",
       .placeholder = "us-east-1"},
      {.name = "prefix",
       .label = "Key prefix",
       .help = "Staged files go under <prefix>/<schema>.<table>/ (no '..' segments).",
       .placeholder = "staging"},
      {.name = "max_file_size_mb",
       .label = "Max staged file size (MB)",
       .kind = FieldKind::kNumber,
       .default_value = kDefaultStagedFileMb,
       .help = "Staged files are split at this size so the warehouse loads them in parallel."}};
  for (ConfigField& field : S3CredentialFields("Without keys, set the " + keyless.label + ".")) {
    fields.push_back(std::move(field));
  }
  fields.push_back(std::move(keyless));
  fields.push_back({.name = "endpoint_url",
                    .label = "Endpoint URL",
                    .help = "For an S3-compatible store instead of AWS.",
                    .placeholder = "http://127.0.0.1:9000"});
  fields.push_back(VirtualStyleField("Only with an endpoint URL."));
  for (ConfigField& field : S3EncryptionFields("Only without an endpoint URL.")) {
    fields.push_back(std::move(field));
  }
  return fields;
}

std::string StagingSegment(const std::string& schema, const std::string& table) {
  std::string segment = schema + "." + table;
  for (char& c : segment) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  // "." and ".." are no key segments JoinKey takes.
  if (segment.find_first_not_of('.') == std::string::npos) segment = "_" + segment;
  return segment;
}

S3IntervalStaging::S3IntervalStaging(const S3DestinationConfig& staging,
                                     const IntervalTarget& target, const std::string& segment)
    : store_(MakeS3ObjectStore(staging)) {
  FileOutput output = staging.output;
  std::string& prefix = output.keys.prefix_template;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  prefix += (prefix.empty() ? "" : "/") + segment;
  const IntervalKeys keys(output.keys, target.interval, target.schema->table, nullptr);
  prefix_ = keys.prefix();
  base_name_ = keys.base_name();
  // The files' own manifest (written when they are split) goes with them.
  files_manifest_key_ = keys.ManifestKey();
  files_destination_ = std::make_unique<ObjectStoreDestination>(store_, std::move(output));
  files_ = files_destination_->Open(target);
}

S3IntervalStaging::~S3IntervalStaging() { Abort(); }

void S3IntervalStaging::Write(const RecordBatch& batch) { files_->Write(batch); }

std::vector<StagedFile> S3IntervalStaging::Finish(DeliveryReport& report) {
  const DeliveryReport files = files_->Commit();
  files_.reset();
  report.rows = files.rows;
  report.bytes = files.bytes;
  report.repaired_values = files.repaired_values;
  std::vector<StagedFile> staged;
  for (const DeliveredFile& f : files.files) {
    published_.push_back(f.key);
    if (f.rows > 0) staged.push_back({f.key, store_->Locate(f.key), f.bytes});
  }
  published_.push_back(files_manifest_key_);
  return staged;
}

std::string S3IntervalStaging::PutBeside(const std::string& suffix, std::string_view content) {
  const std::string key = JoinKey(prefix_, base_name_ + suffix);
  published_.push_back(key);
  auto sink = store_->OpenObject(key);
  sink->Append(content);
  sink->Finish();
  return store_->Locate(key);
}

std::string S3IntervalStaging::Location() const { return store_->Locate(prefix_) + "/"; }

void S3IntervalStaging::Remove() {
  if (!published_.empty()) store_->client().DeleteObjects(published_);
  published_.clear();
}

void S3IntervalStaging::Abort() noexcept {
  if (files_) files_->Abort();
  files_.reset();
  try {
    Remove();
  } catch (const Error& e) {
    spdlog::warn("cannot delete the staged files of a failed COPY: {}", e.Describe());
  }
}

}  // namespace bx
