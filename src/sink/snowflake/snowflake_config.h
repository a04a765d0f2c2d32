#pragma once
// The Snowflake destination's config:
//   "account" (the account identifier: "orgname-acctname", or a locator "xy12345.us-east-1"),
//   "user", "private_key" (secret; PEM) and "private_key_passphrase" (secret) for key-pair
//   authentication, "database", "schema", "table_name" (default events), "warehouse", "role",
//   "api_base_url" (https://<account>.snowflakecomputing.com unless set: tests, private links),
//   "stage": optional, where the interval's files are staged for COPY INTO: an S3 destination's
//            fields (bucket_name, region, prefix, aws_access_key_id, aws_secret_access_key,
//            aws_session_token; endpoint_url for an S3-compatible store; max_file_size_mb, 64
//            unless set) and "storage_integration" (the integration COPY reads the bucket with;
//            without it, COPY gets the access keys); without "stage" the rows go in batched
//            INSERT statements.
// plus the model's event filters.
// The SQL API takes no passwords: "password" is refused with that said.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sink/config_description.h"

#include "sink/s3/interval_staging.h"

namespace bx {

struct SnowflakeConfig {
  std::string account, user;
  std::string private_key, private_key_passphrase;
  std::string database, schema, table_name, warehouse, role;
  std::string api_base_url;  // no trailing '/'
  std::optional<S3DestinationConfig> stage;
  std::string storage_integration;  // of the stage

  // The account as JWT claims name it: upper case, without a locator's region and cloud
  // ("xy12345.us-east-1.aws" -> "XY12345"; "myorg-acct" -> "MYORG-ACCT").
  std::string JwtAccount() const;
  // "snowflake:DATABASE.SCHEMA.TABLE", for messages.
  std::string Where() const;
};

// Throws InvalidArgument naming the field; never quotes a key or passphrase.
SnowflakeConfig ParseSnowflakeConfig(const nlohmann::json& config);

// The fields ParseSnowflakeConfig reads.
DestinationDescription SnowflakeDescription();

}  // namespace bx
