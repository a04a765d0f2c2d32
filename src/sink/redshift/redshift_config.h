#pragma once
// The Redshift destination's config: the Postgres fields (port 5439) plus
//   "properties_data_type": "varchar" (JSON columns as VARCHAR(65535), the default) | "super"
//   "mode": "insert" (the default) | "copy"
//   "copy_inputs": {  (copy mode only) where the rows are staged for COPY: the fields of the S3
//                     destination (bucket_name, region, prefix, aws_access_key_id,
//                     aws_secret_access_key, aws_session_token; endpoint_url makes it an
//                     S3-compatible store), max_file_size_mb (64 unless set), and how Redshift
//                     reads the files: "iam_role" (an IAM role ARN) or else the same keys }

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sink/config_description.h"

#include "sink/postgres/postgres_config.h"
#include "sink/s3/s3_destination.h"

namespace bx {

struct RedshiftCopyInputs {
  S3DestinationConfig staging;  // JSON lines, gzip
  std::string iam_role;         // empty: COPY authorizes with staging's access keys
};

struct RedshiftConfig {
  PostgresConfig connection;
  bool super_json = false;                 // properties_data_type: super
  std::optional<RedshiftCopyInputs> copy;  // mode: copy
};

// Throws InvalidArgument naming the field ("destination.config.copy_inputs.s3_bucket").
RedshiftConfig ParseRedshiftConfig(const nlohmann::json& config);

// The fields ParseRedshiftConfig reads.
DestinationDescription RedshiftDescription();

}  // namespace bx
