#include "sink/s3/s3_destination.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "base/error.h"
#include "core/object_key.h"
#include "sink/objects/object_store_destination.h"
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

}  // namespace

std::shared_ptr<s3::S3ObjectStore> MakeS3ObjectStore(const S3DestinationConfig& s3) {
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
  options.client.retry.max_attempts =
      static_cast<int>(EnvSize("BATCH_EXPORT_S3_MAX_ATTEMPTS", 10, 1, 100));
  options.expected_object_bytes = s3.output.max_file_size_bytes;
  // The probe of `check` goes under the prefix's literal start, where exports write.
  const std::string& prefix = s3.output.keys.prefix_template;
  std::string literal = prefix.substr(0, prefix.find('{'));
  literal = literal.substr(0, literal.rfind('/') == std::string::npos ? 0 : literal.rfind('/'));
  while (!literal.empty() && literal.front() == '/') literal.erase(0, 1);
  options.check_prefix = literal;
  return std::make_shared<s3::S3ObjectStore>(std::move(options));
}

namespace {

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

}  // namespace

S3DestinationConfig ParseS3DestinationConfig(const nlohmann::json& json, bool compatible) {
  JsonFields config = DestinationConfigFields(json);
  return ParseS3DestinationConfig(config, compatible);
}

S3DestinationConfig ParseS3DestinationConfig(JsonFields& config, bool compatible) {
  S3DestinationConfig s3;
  s3.compatible = compatible;
  s3.bucket_name = config.RequiredString("bucket_name");
  RejectControlCharacters(s3.bucket_name, config.Path("bucket_name"));
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
    config.RejectUnknown();
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
  config.RejectUnknown();
  return s3;
}

WriteLocation S3WriteLocation(const S3DestinationConfig& s3) {
  WriteLocation location;
  if (s3.compatible) {
    // One server by its URL as written (scheme and host are case-insensitive).
    std::string endpoint = s3.endpoint_url;
    const size_t host_end = endpoint.find('/', endpoint.find("://") + 3);
    for (size_t i = 0; i < std::min(host_end, endpoint.size()); ++i) {
      endpoint[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(endpoint[i])));
    }
    while (endpoint.back() == '/') endpoint.pop_back();
    location.space = "s3:" + endpoint + "/" + s3.bucket_name;
    location.shown = endpoint + "/" + s3.bucket_name + "/";
  } else {
    // AWS bucket names are global: the region does not matter.
    location.space = "s3:aws/" + s3.bucket_name;
    location.shown = "s3://" + s3.bucket_name + "/";
  }
  location.prefix_template = s3.output.keys.prefix_template;
  location.shown += location.prefix_template;
  return location;
}

ConfigField BucketNameField() {
  return {.name = "bucket_name",
          .label = "Bucket",
          .required = true,
          .help = "The bucket name (no control characters).",
          .placeholder = "my-bucket"};
}

std::vector<ConfigField> S3CredentialFields(const std::string& key_id_help) {
  return {{.name = "aws_access_key_id",
           .label = "Access key ID",
           .secret = true,
           .help = "Write-only. " + key_id_help},
          {.name = "aws_secret_access_key",
           .label = "Secret access key",
           .secret = true,
           .help = "Write-only. Required with the access key ID."},
          {.name = "aws_session_token",
           .label = "Session token",
           .secret = true,
           .help = "Write-only. Temporary credentials only; needs the access key ID and secret."}};
}

std::vector<ConfigField> S3EncryptionFields(const std::string& encryption_help) {
  return {{.name = "encryption",
           .label = "Server-side encryption",
           .kind = FieldKind::kEnum,
           .help = encryption_help,
           .options = {"AES256", "aws:kms"}},
          {.name = "kms_key_id", .label = "KMS key ID", .help = "Only with encryption aws:kms."}};
}

ConfigField VirtualStyleField(const std::string& help) {
  return {.name = "use_virtual_style_addressing",
          .label = "Virtual-hosted-style addressing",
          .kind = FieldKind::kBoolean,
          .default_value = false,
          .help = help};
}

namespace {

void Append(std::vector<ConfigField>& to, std::vector<ConfigField> fields) {
  for (ConfigField& field : fields) to.push_back(std::move(field));
}

DestinationDescription S3Description(bool compatible) {
  const std::string keyless =
      "Without keys, the server's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN "
      "are used.";
  DestinationDescription d;
  d.fields.push_back(BucketNameField());
  if (compatible) {
    d.label = "S3-compatible storage";
    d.description =
        "MinIO, Cloudflare R2, Google Cloud Storage, Ceph and other stores that speak the S3 API.";
    d.summary = "{endpoint_url}/{bucket_name}/{prefix}";
    d.fields.push_back({.name = "endpoint_url",
                        .label = "Endpoint URL",
                        .required = true,
                        .help = "An http:// or https:// URL.",
                        .placeholder = "https://storage.example.com"});
    d.fields.push_back({.name = "region",
                        .label = "Region",
                        .default_value = "us-east-1",
                        .help = "auto for R2."});
    d.fields.push_back(VirtualStyleField("bucket.host/key instead of host/bucket/key."));
    Append(d.fields, FileOutputFields());
    Append(d.fields, S3CredentialFields(keyless));
    return d;
  }
  d.label = "Amazon S3";
  d.description =
      "Objects in an AWS S3 bucket (multipart uploads, published when the whole interval is "
      "written). The endpoint is AWS's unless the server sets AWS_ENDPOINT_URL_S3.";
  d.summary = "s3://{bucket_name}/{prefix}";
  d.fields.push_back(
      {.name = "region", .label = "Region", .required = true, .placeholder = "us-east-1"});
  Append(d.fields, FileOutputFields());
  Append(d.fields, S3CredentialFields(keyless));
  Append(d.fields, S3EncryptionFields("Sent as x-amz-server-side-encryption with every object "
                                      "written. Empty: the bucket's default."));
  return d;
}

}  // namespace

void RegisterS3Destinations(DestinationRegistry& registry) {
  // "AwsS3" is the reference product's name for "S3": the same destination under both names.
  for (const char* name : {"S3", "AwsS3", "S3Compatible"}) {
    const bool compatible = std::string_view(name) == "S3Compatible";
    registry.Add(
        {.name = name,
         .description = S3Description(compatible),
         .alias_of = std::string_view(name) == "AwsS3" ? "S3" : "",
         .validate =
             [compatible](const nlohmann::json& config) {
               ParseS3DestinationConfig(config, compatible);
             },
         .make = [compatible](const nlohmann::json& config) -> std::unique_ptr<Destination> {
           S3DestinationConfig s3 = ParseS3DestinationConfig(config, compatible);
           return std::make_unique<ObjectStoreDestination>(MakeS3ObjectStore(s3),
                                                           std::move(s3.output));
         },
         .location =
             [compatible](const nlohmann::json& config) {
               return S3WriteLocation(ParseS3DestinationConfig(config, compatible));
             }});
  }
}

}  // namespace bx
