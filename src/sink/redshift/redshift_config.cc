#include "sink/redshift/redshift_config.h"

#include "base/error.h"
#include "core/json_fields.h"
#include "sink/destination_registry.h"
#include "sink/s3/interval_staging.h"

namespace bx {
namespace {

RedshiftCopyInputs ParseCopyInputs(const nlohmann::json& json) {
  nlohmann::json inputs = json;
  JsonFields fields(json, "destination.config.copy_inputs");
  RedshiftCopyInputs copy;
  copy.iam_role = fields.OptionalString("iam_role").value_or("");
  RejectControlCharacters(copy.iam_role, fields.Path("iam_role"));
  if (!copy.iam_role.empty() && copy.iam_role.rfind("arn:", 0) != 0) {
    throw InvalidArgument(fields.Path("iam_role"),
                          "'" + copy.iam_role + "' is not an IAM role ARN (arn:aws:iam::...)");
  }
  inputs.erase("iam_role");
  copy.staging = ParseStagingConfig(inputs, "destination.config.copy_inputs");
  if (copy.iam_role.empty() && copy.staging.aws_access_key_id.empty()) {
    throw InvalidArgument(fields.Path("iam_role"),
                          "is required unless aws_access_key_id and aws_secret_access_key are "
                          "set: Redshift needs one of them to read the staged files");
  }
  return copy;
}

}  // namespace

RedshiftConfig ParseRedshiftConfig(const nlohmann::json& json) {
  JsonFields fields = DestinationConfigFields(json);
  RedshiftConfig config;
  const std::string type = fields.OptionalString("properties_data_type").value_or("varchar");
  if (type != "varchar" && type != "super") {
    throw InvalidArgument(fields.Path("properties_data_type"),
                          "'" + type + "' is not a properties data type; use varchar or super");
  }
  config.super_json = type == "super";
  const std::string mode = fields.OptionalString("mode").value_or("insert");
  if (mode != "insert" && mode != "copy") {
    throw InvalidArgument(fields.Path("mode"), "'" + mode + "' is not a mode; use insert or copy");
  }
  const nlohmann::json* inputs = fields.Optional("copy_inputs");
  if (mode == "copy") {
    if (!inputs) throw InvalidArgument(fields.Path("copy_inputs"), "is required in copy mode");
    config.copy = ParseCopyInputs(*inputs);
  } else if (inputs) {
    throw InvalidArgument(fields.Path("copy_inputs"), "is only for mode copy");
  }
  nlohmann::json rest = json;
  for (const char* key : {"properties_data_type", "mode", "copy_inputs"}) rest.erase(key);
  config.connection = ParsePostgresConfig(rest, 5439);
  return config;
}

DestinationDescription RedshiftDescription() {
  DestinationDescription d{
      .label = "Amazon Redshift",
      .description =
          "Multi-row INSERTs, or COPY from gzip JSON lines staged in S3; one "
          "transaction per run.",
      .summary = "{host}:{port}/{database} {schema}.{table_name}",
      .fields = PostgresConnectionFields(5439, "example.abc.eu-west-1.redshift.amazonaws.com")};
  d.fields.push_back({.name = "properties_data_type",
                      .label = "JSON columns as",
                      .kind = FieldKind::kEnum,
                      .default_value = "varchar",
                      .help = "varchar: VARCHAR(65535); super: SUPER.",
                      .options = {"varchar", "super"}});
  d.fields.push_back({.name = "mode",
                      .label = "Load mode",
                      .kind = FieldKind::kEnum,
                      .default_value = "insert",
                      .help = "insert: INSERT statements; copy: files staged in S3 (set the S3 "
                              "staging below).",
                      .options = {"insert", "copy"}});
  d.fields.push_back(
      {.name = "copy_inputs",
       .label = "S3 staging for COPY",
       .kind = FieldKind::kObject,
       .help = "Required in copy mode, refused in insert mode.",
       .fields = StagingFields({.name = "iam_role",
                                .label = "IAM role",
                                .help = "The role ARN Redshift reads the files as; required "
                                        "unless access keys are set (COPY then gets the keys).",
                                .placeholder = "arn:aws:iam::123456789012:role/RedshiftLoad"})});
  return d;
}

}  // namespace bx
