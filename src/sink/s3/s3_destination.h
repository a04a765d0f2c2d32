#pragma once
// The S3 (AWS; also named AwsS3, as the reference product names it) and S3Compatible (MinIO, R2,
// GCS, Ceph, ...) destinations: an export's files as objects in one bucket.
//   "destination": {"type": "S3", "config": {"bucket_name", "region", "prefix", ...}}
//   "destination": {"type": "S3Compatible", "config": {"bucket_name", "endpoint_url", ...}}

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sink/destination_registry.h"
#include "sink/objects/file_output.h"
#include "sink/s3/s3_object_store.h"

namespace bx {

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

// Throws InvalidArgument naming the field ("destination.config.bucket_name").
S3DestinationConfig ParseS3DestinationConfig(const nlohmann::json& config, bool compatible);
// The same fields from `config` (its path names them), every one read: no others allowed.
S3DestinationConfig ParseS3DestinationConfig(JsonFields& config, bool compatible);

// The bucket's store, with the credentials of the config or of the environment (AWS_*).
std::shared_ptr<s3::S3ObjectStore> MakeS3ObjectStore(const S3DestinationConfig& s3);

// The bucket (on AWS, or on the S3Compatible endpoint) and the prefix.
WriteLocation S3WriteLocation(const S3DestinationConfig& s3);

// Descriptions of the fields the S3 destinations share with the staging buckets of the warehouses:
// the bucket, the access keys (`key_id_help` says what is used without them), server-side
// encryption, the endpoint of an S3-compatible store.
ConfigField BucketNameField();
std::vector<ConfigField> S3CredentialFields(const std::string& key_id_help);
std::vector<ConfigField> S3EncryptionFields(const std::string& encryption_help);
ConfigField VirtualStyleField(const std::string& help);

// Registers "S3", "AwsS3" (the same) and "S3Compatible".
void RegisterS3Destinations(DestinationRegistry& registry);

}  // namespace bx
