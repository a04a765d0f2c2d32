#pragma once
// The Postgres destination's config (names as the reference product's):
//   "destination": {"type": "Postgres", "config": {"host", "port", "database", "schema",
//     "table_name", "user", "password", "has_self_signed_cert", "sslmode"}}

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sink/config_description.h"

namespace bx {

struct PostgresConfig {
  std::string host;
  int64_t port = 5432;
  std::string database;
  std::string schema = "public";
  std::string table_name = "events";
  std::string user;
  std::string password;  // secret
  bool has_self_signed_cert = false;
  std::string sslmode = "prefer";  // disable | prefer | require | verify-ca | verify-full

  // libpq connection keywords (the password among them: never log these).
  std::vector<std::pair<std::string, std::string>> ConnectionKeywords() const;
  // "postgres://user@host:port/database" for messages: no password.
  std::string Where() const;
  // "schema"."table", quoted for SQL.
  std::string QualifiedTable() const;
};

// Throws InvalidArgument naming the field ("destination.config.port").
PostgresConfig ParsePostgresConfig(const nlohmann::json& config, int64_t default_port = 5432);

// The fields ParsePostgresConfig reads (Redshift takes them too).
std::vector<ConfigField> PostgresConnectionFields(int64_t default_port,
                                                  const std::string& host_example);

// `name` as a quoted SQL identifier ("a""b").
std::string QuoteIdentifier(const std::string& name);

}  // namespace bx
