#include "sink/postgres/postgres_config.h"

#include "base/error.h"
#include "core/object_key.h"
#include "sink/destination_registry.h"

namespace bx {
namespace {

// PostgreSQL truncates longer identifiers silently: a table name past that would be another
// table than the one asked for.
constexpr size_t kMaxIdentifierBytes = 63;

// A database, schema or table name: any characters but control ones (it is quoted).
std::string Identifier(JsonFields& config, const char* field, const char* fallback) {
  std::string value =
      fallback ? config.OptionalString(field).value_or(fallback) : config.RequiredString(field);
  if (value.empty()) throw InvalidArgument(config.Path(field), "must not be empty");
  RejectControlCharacters(value, config.Path(field));
  if (value.size() > kMaxIdentifierBytes) {
    throw InvalidArgument(config.Path(field), "is longer than PostgreSQL's 63 bytes for a name");
  }
  return value;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> PostgresConfig::ConnectionKeywords() const {
  std::vector<std::pair<std::string, std::string>> k = {
      {"host", host},
      {"port", std::to_string(port)},
      {"dbname", database},
      {"user", user},
      {"password", password},
      // A self-signed certificate cannot be verified: encryption without verification.
      {"sslmode", has_self_signed_cert && (sslmode == "verify-ca" || sslmode == "verify-full")
                      ? "require"
                      : sslmode},
      {"connect_timeout", "10"},
      {"application_name", "batch-export"},
      // A dead server or network must not hang a run: the kernel gives up on it.
      {"keepalives_idle", "30"},
      {"keepalives_interval", "10"},
      {"keepalives_count", "3"},
  };
  return k;
}

std::string PostgresConfig::Where() const {
  return "postgres://" + user + "@" + host + ":" + std::to_string(port) + "/" + database;
}

std::string PostgresConfig::QualifiedTable() const {
  return QuoteIdentifier(schema) + "." + QuoteIdentifier(table_name);
}

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

PostgresConfig ParsePostgresConfig(const nlohmann::json& json, int64_t default_port) {
  JsonFields config = DestinationConfigFields(json);
  PostgresConfig pg;
  pg.host = config.RequiredString("host");
  RejectControlCharacters(pg.host, config.Path("host"));
  pg.port = config.OptionalInt("port", 1, 65535).value_or(default_port);
  pg.database = Identifier(config, "database", nullptr);
  pg.schema = Identifier(config, "schema", "public");
  pg.table_name = Identifier(config, "table_name", "events");
  pg.user = config.RequiredString("user");
  RejectControlCharacters(pg.user, config.Path("user"));
  pg.password = config.OptionalString("password").value_or("");
  if (pg.password.find('\0') != std::string::npos) {
    throw InvalidArgument(config.Path("password"), "must not contain a NUL byte");
  }
  pg.has_self_signed_cert = config.OptionalBool("has_self_signed_cert").value_or(false);
  pg.sslmode = config.OptionalString("sslmode").value_or("prefer");
  if (pg.sslmode != "disable" && pg.sslmode != "prefer" && pg.sslmode != "require" &&
      pg.sslmode != "verify-ca" && pg.sslmode != "verify-full") {
    throw InvalidArgument(config.Path("sslmode"),
                          "'" + pg.sslmode +
                              "' is not an sslmode; use disable, prefer, require, verify-ca or "
                              "verify-full");
  }
  config.RejectUnknown();
  return pg;
}

std::vector<ConfigField> PostgresConnectionFields(int64_t default_port,
                                                  const std::string& host_example) {
  return {
      {.name = "host", .label = "Host", .required = true, .placeholder = host_example},
      {.name = "port",
       .label = "Port",
       .kind = FieldKind::kInteger,
       .default_value = default_port,
       .help = "1 to 65535."},
      {.name = "database", .label = "Database", .required = true, .placeholder = "analytics"},
      {.name = "schema",
       .label = "Schema",
       .default_value = "public",
       .help = "Created when missing."},
      {.name = "table_name",
       .label = "Table",
       .default_value = "events",
       .help = "Created when missing with the reference columns; an existing table gets the "
               "columns it has."},
      {.name = "user", .label = "User", .required = true, .placeholder = "exporter"},
      {.name = "password",
       .label = "Password",
       .secret = true,
       .help = "Write-only; never appears in a message or log."},
      {.name = "sslmode",
       .label = "SSL mode",
       .kind = FieldKind::kEnum,
       .default_value = "prefer",
       .options = {"disable", "prefer", "require", "verify-ca", "verify-full"}},
      {.name = "has_self_signed_cert",
       .label = "Self-signed certificate",
       .kind = FieldKind::kBoolean,
       .default_value = false,
       .help = "With verify-ca or verify-full: encrypt without verifying the certificate."},
  };
}

}  // namespace bx
