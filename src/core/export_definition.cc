#include "core/export_definition.h"

#include <cctype>

#include <fmt/format.h>

#include "base/error.h"
#include "core/json_fields.h"

namespace bx {
namespace {

constexpr double kMaxFileSizeMb = 1024 * 1024;  // 1 TiB: beyond any object store's object limit

FileOutput ParseFileOutput(JsonFields& config) {
  FileOutput out;
  out.keys.prefix_template = config.OptionalString("prefix").value_or("");
  ValidatePrefixTemplate(out.keys.prefix_template, config.Path("prefix"));

  const std::string format_name = config.OptionalString("file_format").value_or("JSONLines");
  const auto format = ParseFileFormat(format_name);
  if (!format) {
    throw InvalidArgument(config.Path("file_format"),
                          "'" + format_name + "' is not a file format; use JSONLines or Parquet");
  }
  out.keys.format = *format;

  const std::string codec_name = config.OptionalString("compression").value_or("");
  const auto codec = ParseCompression(codec_name);
  if (!codec || !FormatSupports(*format, *codec)) {
    throw InvalidArgument(
        config.Path("compression"),
        fmt::format("'{}' is not available for {}; use {}", codec_name, format_name,
                    *format == FileFormat::kParquet ? "zstd, lz4, snappy, gzip, brotli or none"
                                                    : "gzip, brotli, zstd, lz4 or none"));
  }
  out.keys.compression = *codec;

  const auto mb = config.OptionalNumber("max_file_size_mb", 0, kMaxFileSizeMb);
  if (mb && *mb > 0) {
    out.max_file_size_bytes = static_cast<uint64_t>(*mb * 1024 * 1024);
    out.keys.numbered = true;
  }
  out.keys.legacy_parquet_extension =
      config.OptionalBool("legacy_parquet_extension").value_or(false);
  return out;
}

FileDestinationConfig ParseFileDestination(JsonFields& config) {
  FileDestinationConfig file;
  file.path = config.RequiredString("path");
  file.output = ParseFileOutput(config);
  return file;
}

// S3's bucket naming rules (AWS); S3-compatible servers only get a basic sanity check and
// report InvalidBucketName themselves.
void ValidateBucketName(const std::string& name, bool compatible, const std::string& field) {
  if (name.empty() || name.find('/') != std::string::npos) {
    throw InvalidArgument(field, "'" + name + "' is not a bucket name");
  }
  if (compatible) return;
  bool ok = name.size() >= 3 && name.size() <= 63 && std::isalnum((unsigned char)name.front()) &&
            std::isalnum((unsigned char)name.back()) && name.find("..") == std::string::npos;
  for (char c : name) {
    ok = ok &&
         (std::islower((unsigned char)c) || std::isdigit((unsigned char)c) || c == '-' || c == '.');
  }
  if (!ok) {
    throw InvalidArgument(field, "'" + name +
                                     "' is not a valid S3 bucket name: 3 to 63 lower-case "
                                     "letters, digits, '.' and '-', starting and ending with a "
                                     "letter or digit");
  }
}

// http(s)://host[:port][/path], no credentials, query or whitespace.
bool IsHttpUrl(const std::string& url) {
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else {
    return false;
  }
  const std::string host = rest.substr(0, rest.find('/'));
  if (host.empty() || host.front() == ':' || host.back() == ':') return false;
  for (unsigned char c : url) {
    if (c <= ' ' || c >= 0x7f || c == '@' || c == '?' || c == '#' || c == '\\') return false;
  }
  return true;
}

// A field that belongs to the other kind of S3 destination: named in the error; null allowed.
void RejectField(JsonFields& config, const char* key, const std::string& why) {
  if (config.Has(key)) throw InvalidArgument(config.Path(key), why);
  config.Allow({key});
}

S3DestinationConfig ParseS3Destination(JsonFields& config, bool compatible) {
  S3DestinationConfig s3;
  s3.compatible = compatible;
  s3.bucket_name = config.RequiredString("bucket_name");
  ValidateBucketName(s3.bucket_name, compatible, config.Path("bucket_name"));
  s3.region =
      compatible ? config.OptionalString("region").value_or("") : config.RequiredString("region");
  if (s3.region.empty()) {
    if (!compatible) throw InvalidArgument(config.Path("region"), "is required");
    s3.region = "us-east-1";
  }
  for (char c : s3.region) {
    if (!std::isalnum((unsigned char)c) && c != '-' && c != '_') {
      throw InvalidArgument(config.Path("region"), "'" + s3.region + "' is not a region name");
    }
  }
  s3.output = ParseFileOutput(config);
  s3.aws_access_key_id = config.OptionalString("aws_access_key_id").value_or("");
  s3.aws_secret_access_key = config.OptionalString("aws_secret_access_key").value_or("");
  s3.aws_session_token = config.OptionalString("aws_session_token").value_or("");
  if (s3.aws_access_key_id.empty() != s3.aws_secret_access_key.empty()) {
    throw InvalidArgument(
        config.Path(s3.aws_access_key_id.empty() ? "aws_access_key_id" : "aws_secret_access_key"),
        "is required with " + std::string(s3.aws_access_key_id.empty() ? "aws_secret_access_key"
                                                                       : "aws_access_key_id"));
  }
  if (!s3.aws_session_token.empty() && s3.aws_access_key_id.empty()) {
    throw InvalidArgument(config.Path("aws_session_token"),
                          "needs aws_access_key_id and aws_secret_access_key");
  }

  if (compatible) {
    RejectField(config, "encryption", "is only for S3 (AWS) destinations");
    RejectField(config, "kms_key_id", "is only for S3 (AWS) destinations");
    s3.endpoint_url = config.RequiredString("endpoint_url");
    if (!IsHttpUrl(s3.endpoint_url)) {
      throw InvalidArgument(config.Path("endpoint_url"),
                            "'" + s3.endpoint_url +
                                "' is not an http:// or https:// URL such as "
                                "https://storage.example.com or http://127.0.0.1:9000");
    }
    s3.use_virtual_style_addressing =
        config.OptionalBool("use_virtual_style_addressing").value_or(false);
    return s3;
  }
  RejectField(config, "endpoint_url", "is only for S3Compatible destinations");
  RejectField(config, "use_virtual_style_addressing", "is only for S3Compatible destinations");
  s3.encryption = config.OptionalString("encryption").value_or("");
  if (!s3.encryption.empty() && s3.encryption != "AES256" && s3.encryption != "aws:kms") {
    throw InvalidArgument(config.Path("encryption"),
                          "'" + s3.encryption + "' is not an encryption; use AES256 or aws:kms");
  }
  s3.kms_key_id = config.OptionalString("kms_key_id").value_or("");
  if (!s3.kms_key_id.empty() && s3.encryption != "aws:kms") {
    throw InvalidArgument(config.Path("kms_key_id"), "needs encryption aws:kms");
  }
  return s3;
}

}  // namespace

const FileOutput* ExportDefinition::file_output() const {
  if (auto* file = std::get_if<FileDestinationConfig>(&destination)) return &file->output;
  if (auto* s3 = std::get_if<S3DestinationConfig>(&destination)) return &s3->output;
  return nullptr;
}

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
  if (*parsed_model != Model::kEvents) {
    throw InvalidArgument("model", "'" + model + "' is not supported yet; use events");
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
  if (def.destination_type == "File") {
    def.destination = ParseFileDestination(config);
  } else if (def.destination_type == "S3" || def.destination_type == "S3Compatible") {
    def.destination = ParseS3Destination(config, def.destination_type == "S3Compatible");
  } else {
    throw InvalidArgument("destination.type",
                          "'" + def.destination_type +
                              "' is not a supported destination; use File, S3 or S3Compatible");
  }
  def.include_events = config.OptionalStringList("include_events");
  def.exclude_events = config.OptionalStringList("exclude_events");
  config.RejectUnknown();
  destination.RejectUnknown();
  top.RejectUnknown();
  return def;
}

}  // namespace bx
