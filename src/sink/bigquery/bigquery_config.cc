#include "sink/bigquery/bigquery_config.h"

#include <fmt/format.h>

#include "base/error.h"
#include "core/json_fields.h"
#include "core/object_key.h"
#include "sink/destination_registry.h"
#include "sink/jwt/rs256_jwt.h"

namespace bx {
namespace {

constexpr char kDefaultTokenUri[] = "https://oauth2.googleapis.com/token";
constexpr char kDefaultApiBaseUrl[] = "https://bigquery.googleapis.com";

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// BigQuery's naming rules, kept to ASCII: a project id is letters, digits and '-' (a
// domain-scoped one "example.com:project" also has '.' and ':'); datasets and tables are
// letters, digits and '_' (tables may also have '-').
std::string RequiredName(JsonFields& fields, const std::string& key, const std::string& extra,
                         size_t max_size, const std::string& rule) {
  const std::string value = fields.RequiredString(key);
  const bool valid = !value.empty() && value.size() <= max_size &&
                     std::all_of(value.begin(), value.end(), [&](char c) {
                       return IsAsciiAlnum(c) || extra.find(c) != std::string::npos;
                     });
  if (!valid) {
    RejectControlCharacters(value, fields.Path(key));
    throw InvalidArgument(fields.Path(key), fmt::format("'{}' is not a BigQuery {}", value, rule));
  }
  return value;
}

std::string HttpUrl(JsonFields& fields, const std::string& key, const char* fallback) {
  std::string url = fields.OptionalString(key).value_or(fallback);
  RejectControlCharacters(url, fields.Path(key));
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    throw InvalidArgument(fields.Path(key), "'" + url + "' is not an http:// or https:// URL");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::string BigQueryConfig::Where() const {
  return fmt::format("bigquery:{}.{}.{}", project_id, dataset_id, table_id);
}

BigQueryConfig ParseBigQueryConfig(const nlohmann::json& json) {
  JsonFields fields = DestinationConfigFields(json);
  BigQueryConfig config;
  config.project_id = RequiredName(fields, "project_id", "-.:", 128,
                                   "project id (letters, digits, '-'; 'domain:project')");
  config.dataset_id = RequiredName(fields, "dataset_id", "_", 1024,
                                   "dataset id (letters, digits and '_', at most 1024)");
  config.table_id = RequiredName(fields, "table_id", "_-", 1024,
                                 "table id (letters, digits, '_' and '-', at most 1024)");

  config.private_key = fields.RequiredString("private_key");
  // Read once here so that a wrong key is a config error, not a failed run.
  jwt::RsaPrivateKey::FromPem(config.private_key, "", fields.Path("private_key"));
  config.private_key_id = fields.RequiredString("private_key_id");
  RejectControlCharacters(config.private_key_id, fields.Path("private_key_id"));
  config.client_email = fields.RequiredString("client_email");
  RejectControlCharacters(config.client_email, fields.Path("client_email"));
  if (config.client_email.find('@') == std::string::npos) {
    throw InvalidArgument(fields.Path("client_email"),
                          "'" + config.client_email +
                              "' is not a service account's email (name@project.iam."
                              "gserviceaccount.com)");
  }
  config.token_uri = HttpUrl(fields, "token_uri", kDefaultTokenUri);
  config.api_base_url = HttpUrl(fields, "api_base_url", kDefaultApiBaseUrl);
  config.use_json_type = fields.OptionalBool("use_json_type").value_or(false);
  config.location = fields.OptionalString("location").value_or("");
  if (!config.location.empty() &&
      !std::all_of(config.location.begin(), config.location.end(),
                   [](char c) { return IsAsciiAlnum(c) || c == '-'; })) {
    RejectControlCharacters(config.location, fields.Path("location"));
    throw InvalidArgument(fields.Path("location"), "'" + config.location +
                                                       "' is not a BigQuery location (US, EU, "
                                                       "europe-west3, ...)");
  }
  // The rest of a pasted service-account key file.
  fields.Allow({"type", "client_id", "auth_uri", "auth_provider_x509_cert_url",
                "client_x509_cert_url", "universe_domain"});
  fields.RejectUnknown();
  return config;
}

DestinationDescription BigQueryDescription() {
  return {.label = "Google BigQuery",
          .description =
              "One load job into a stage table per run, then a query job moves the rows. "
              "Authenticates with a service account's key.",
          .summary = "{project_id}.{dataset_id}.{table_id}",
          .fields = {
              {.name = "project_id",
               .label = "Project ID",
               .required = true,
               .placeholder = "my-project"},
              {.name = "dataset_id",
               .label = "Dataset",
               .required = true,
               .help = "Letters, digits and '_'.",
               .placeholder = "analytics"},
              {.name = "table_id",
               .label = "Table",
               .required = true,
               .help = "Letters, digits, '_' and '-'. Created when missing.",
               .placeholder = "events"},
              {.name = "private_key",
               .label = "Private key",
               .kind = FieldKind::kText,
               .required = true,
               .secret = true,
               .help = "The service account key's private_key (PEM). Write-only.",
               .placeholder = "-----BEGIN PRIVATE KEY-----"},
              {.name = "private_key_id",
               .label = "Private key ID",
               .required = true,
               .help = "The key file's private_key_id.",
               .placeholder = "0123456789abcdef0123456789abcdef01234567"},
              {.name = "client_email",
               .label = "Client email",
               .required = true,
               .placeholder = "exporter@my-project.iam.gserviceaccount.com"},
              {.name = "token_uri", .label = "Token URI", .default_value = kDefaultTokenUri},
              {.name = "use_json_type",
               .label = "JSON columns as JSON",
               .kind = FieldKind::kBoolean,
               .default_value = false,
               .help = "Off: STRING columns holding the JSON text."},
              {.name = "location",
               .label = "Location",
               .help = "Where jobs run (US, EU, europe-west3); the dataset's when empty.",
               .placeholder = "US"},
              {.name = "api_base_url",
               .label = "API base URL",
               .default_value = kDefaultApiBaseUrl,
               .help = "For private endpoints and tests."},
          }};
}

}  // namespace bx
