#include "sink/snowflake/snowflake_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "base/error.h"
#include "core/json_fields.h"
#include "core/object_key.h"
#include "sink/destination_registry.h"
#include "sink/jwt/rs256_jwt.h"

namespace bx {
namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Snowflake identifiers as we take them: letters, digits, '_' and '$' (unquoted rules), so
// they quote safely.
std::string Identifier(JsonFields& fields, const std::string& key,
                       std::optional<std::string> fallback) {
  const std::string value =
      fallback ? fields.OptionalString(key).value_or(*fallback) : fields.RequiredString(key);
  const bool valid =
      !value.empty() && value.size() <= 255 && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
      });
  if (!valid) {
    RejectControlCharacters(value, fields.Path(key));
    throw InvalidArgument(
        fields.Path(key),
        fmt::format("'{}' is not a Snowflake identifier we take (letters, digits, "
                    "'_' and '$', at most 255)",
                    value));
  }
  return value;
}

}  // namespace

std::string SnowflakeConfig::JwtAccount() const {
  return Upper(account.substr(0, account.find('.')));
}

std::string SnowflakeConfig::Where() const {
  return fmt::format("snowflake:{}.{}.{}", database, schema, table_name);
}

SnowflakeConfig ParseSnowflakeConfig(const nlohmann::json& json) {
  JsonFields fields = DestinationConfigFields(json);
  SnowflakeConfig config;
  config.account = fields.RequiredString("account");
  if (!std::all_of(config.account.begin(), config.account.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      })) {
    RejectControlCharacters(config.account, fields.Path("account"));
    throw InvalidArgument(fields.Path("account"),
                          "'" + config.account +
                              "' is not a Snowflake account identifier (orgname-accountname, or "
                              "a locator such as xy12345.us-east-1)");
  }
  config.user = fields.RequiredString("user");
  RejectControlCharacters(config.user, fields.Path("user"));
  if (fields.Has("password")) {
    throw InvalidArgument(fields.Path("password"),
                          "Snowflake's SQL API takes no passwords: set private_key (key-pair "
                          "authentication; ALTER USER ... SET RSA_PUBLIC_KEY = '...')");
  }
  config.private_key = fields.RequiredString("private_key");
  config.private_key_passphrase = fields.OptionalString("private_key_passphrase").value_or("");
  // Read once here so that a wrong key or passphrase is a config error, not a failed run.
  jwt::RsaPrivateKey::FromPem(config.private_key, config.private_key_passphrase,
                              fields.Path("private_key"));
  config.database = Identifier(fields, "database", std::nullopt);
  config.schema = Identifier(fields, "schema", std::nullopt);
  config.table_name = Identifier(fields, "table_name", std::string("events"));
  config.warehouse = Identifier(fields, "warehouse", std::nullopt);
  config.role = fields.Has("role") ? Identifier(fields, "role", std::nullopt) : "";
  std::string url = fields.OptionalString("api_base_url")
                        .value_or("https://" + config.account + ".snowflakecomputing.com");
  RejectControlCharacters(url, fields.Path("api_base_url"));
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    throw InvalidArgument(fields.Path("api_base_url"),
                          "'" + url + "' is not an http:// or https:// URL");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  config.api_base_url = url;
  if (const nlohmann::json* stage = fields.Optional("stage")) {
    const std::string path = fields.Path("stage");
    nlohmann::json inputs = *stage;
    if (inputs.is_object() && inputs.contains("storage_integration")) {
      JsonFields stage_fields(inputs, path);
      config.storage_integration = Identifier(stage_fields, "storage_integration", std::nullopt);
      inputs.erase("storage_integration");
    }
    config.stage = ParseStagingConfig(inputs, path);
    if (config.storage_integration.empty() && config.stage->aws_access_key_id.empty()) {
      throw InvalidArgument(path + ".storage_integration",
                            "is required unless aws_access_key_id and aws_secret_access_key are "
                            "set: Snowflake needs one of them to read the staged files");
    }
  }
  fields.RejectUnknown();
  return config;
}

DestinationDescription SnowflakeDescription() {
  return {
      .label = "Snowflake",
      .description =
          "The SQL API v2 with key-pair authentication (no passwords); INSERT batches, "
          "or COPY INTO from an S3 stage.",
      .summary = "{account}/{database}.{schema}.{table_name}",
      .fields = {
          {.name = "account",
           .label = "Account",
           .required = true,
           .help = "orgname-acctname, or a locator such as xy12345.us-east-1.",
           .placeholder = "orgname-acctname"},
          {.name = "user", .label = "User", .required = true, .placeholder = "EXPORTER"},
          {.name = "private_key",
           .label = "Private key",
           .kind = FieldKind::kText,
           .required = true,
           .secret = true,
           .help = "PEM: PKCS#8, encrypted PKCS#8 or PKCS#1. Register its public key with ALTER "
                   "USER ... SET RSA_PUBLIC_KEY. Write-only.",
           .placeholder = "-----BEGIN PRIVATE KEY-----"},
          {.name = "private_key_passphrase",
           .label = "Key passphrase",
           .secret = true,
           .help = "For an encrypted key. Write-only."},
          {.name = "database", .label = "Database", .required = true, .placeholder = "ANALYTICS"},
          {.name = "schema", .label = "Schema", .required = true, .placeholder = "PUBLIC"},
          {.name = "table_name",
           .label = "Table",
           .default_value = "events",
           .help = "Letters, digits, '_' and '$'. Created when missing."},
          {.name = "warehouse",
           .label = "Warehouse",
           .required = true,
           .placeholder = "COMPUTE_WH"},
          {.name = "role", .label = "Role"},
          {.name = "api_base_url",
           .label = "API base URL",
           .help = "Empty: https://<account>.snowflakecomputing.com.",
           .placeholder = "https://orgname-acctname.snowflakecomputing.com"},
          {.name = "stage",
           .label = "S3 stage",
           .kind = FieldKind::kObject,
           .help = "Load through COPY INTO from gzip JSON lines in an S3 bucket instead of INSERT "
                   "batches.",
           .fields = StagingFields(
               {.name = "storage_integration",
                .label = "storage integration",
                .help = "The integration Snowflake reads the bucket with; required unless access "
                        "keys are set."})},
      }};
}

}  // namespace bx
