#include "pipeline/destinations.h"

#include <cstdlib>

#include <fmt/format.h>

#include "base/error.h"
#include "compress/compressing_sink.h"
#include "format/jsonl/jsonl_encoder.h"
#include "format/parquet/parquet_encoder.h"
#include "io/background_sink.h"
#include "sink/file/file_object_store.h"
#include "sink/s3/s3_object_store.h"

namespace bx {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

size_t EnvSize(const char* name, size_t fallback, size_t min, size_t max) {
  const std::string text = Env(name);
  if (text.empty()) return fallback;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (*end != '\0' || value < min || value > max) {
    throw InvalidArgument(name, fmt::format("'{}' is not a number from {} to {}", text, min, max));
  }
  return static_cast<size_t>(value);
}

bool IsIpLiteral(const std::string& host) {
  const std::string name = host.substr(0, host.rfind(':'));
  return name.empty() || name.front() == '[' ||
         name.find_first_not_of("0123456789.") == std::string::npos;
}

std::unique_ptr<ObjectStore> MakeS3ObjectStore(const S3DestinationConfig& s3) {
  s3::S3StoreOptions options;
  options.client.bucket = s3.bucket_name;
  options.client.region = s3.region;
  if (s3.compatible) {
    options.client.endpoint_url = s3.endpoint_url;
    options.client.virtual_host = s3.use_virtual_style_addressing;
  } else {
    // The SDKs' standard override (VPC endpoints, FIPS, a test server) before AWS's own.
    options.client.endpoint_url = Env("AWS_ENDPOINT_URL_S3");
    if (options.client.endpoint_url.empty()) options.client.endpoint_url = Env("AWS_ENDPOINT_URL");
    if (options.client.endpoint_url.empty()) {
      options.client.endpoint_url = "https://s3." + s3.region + ".amazonaws.com";
    }
    // Virtual-host addressing as AWS wants, except where TLS or DNS cannot work with it.
    const auto endpoint = s3::ParseEndpointUrl(options.client.endpoint_url);
    options.client.virtual_host =
        s3.bucket_name.find('.') == std::string::npos && endpoint && !IsIpLiteral(endpoint->host);
    options.encryption = s3.encryption;
    options.kms_key_id = s3.kms_key_id;
  }
  options.client.credentials = {s3.aws_access_key_id, s3.aws_secret_access_key,
                                s3.aws_session_token};
  if (options.client.credentials.access_key_id.empty()) {
    options.client.credentials = {Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"),
                                  Env("AWS_SESSION_TOKEN")};
  }
  if (options.client.credentials.access_key_id.empty() ||
      options.client.credentials.secret_access_key.empty()) {
    throw Error(ErrorKind::kNonRetryable, "InvalidAccessKeyId",
                "no credentials: set aws_access_key_id and aws_secret_access_key in the "
                "destination, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  options.part_size = EnvSize("BATCH_EXPORT_S3_PART_SIZE_MB", 8, 5, 5120) << 20;
  options.parts_in_flight = EnvSize("BATCH_EXPORT_S3_PARTS_IN_FLIGHT", 4, 1, 64);
  options.expected_object_bytes = s3.output.max_file_size_bytes;
  // The probe of `check` goes under the prefix's literal start, where exports write.
  const std::string& prefix = s3.output.keys.prefix_template;
  std::string literal = prefix.substr(0, prefix.find('{'));
  literal = literal.substr(0, literal.rfind('/') == std::string::npos ? 0 : literal.rfind('/'));
  while (!literal.empty() && literal.front() == '/') literal.erase(0, 1);
  options.check_prefix = literal;
  return std::make_unique<s3::S3ObjectStore>(std::move(options));
}

}  // namespace

std::unique_ptr<ObjectStore> MakeObjectStore(const ExportDefinition& def) {
  if (auto* file = std::get_if<FileDestinationConfig>(&def.destination)) {
    return std::make_unique<FileObjectStore>(file->path);
  }
  if (auto* s3 = std::get_if<S3DestinationConfig>(&def.destination)) return MakeS3ObjectStore(*s3);
  throw Error(ErrorKind::kInternal, "InternalError",
              "no object store for destination " + def.destination_type);
}

EncoderFactory MakeEncoderFactory(const FileOutput& output, const Schema& schema) {
  const Compression compression = output.keys.compression;
  switch (output.keys.format) {
    case FileFormat::kJsonLines:
      return [&schema, compression](std::unique_ptr<ByteSink> sink) {
        std::unique_ptr<ByteSink> compressed = MakeCompressingSink(compression, std::move(sink));
        // Compression costs as much as encoding: on a thread of its own, the two overlap.
        if (compression != Compression::kNone) {
          compressed = MakeBackgroundSink(std::move(compressed));
        }
        return MakeJsonLinesEncoder(schema, std::move(compressed));
      };
    case FileFormat::kParquet:
      return [&schema, compression](std::unique_ptr<ByteSink> sink) -> std::unique_ptr<Encoder> {
        ParquetOptions options;
        options.compression = compression;
        return MakeParquetEncoder(schema, std::move(sink), options);
      };
  }
  throw Error(ErrorKind::kInternal, "InternalError", "unknown file format");
}

}  // namespace bx
