#pragma once
// For tests: the throwaway PostgreSQL server that the ctest fixture `postgres` starts
// (scripts/start-postgres) and fresh, isolated places in it. A missing server fails the test
// with a clear message; it never skips.

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <utility>

#include "base/error.h"
#include "io/postgres/pg_connection.h"
#include "testing/fixture_url.h"

namespace bx::pg::testing {

// env BX_PG_URL, else the url file in BX_PG_DIR (the fixture's state dir). Throws bx::Error.
inline std::string ServerUrl() {
  if (const char* url = std::getenv("BX_PG_URL"); url && *url) return url;
  return bx::testing::FixtureUrl("PostgreSQL", "postgres", "start-postgres", "BX_PG_DIR");
}

// The host and port of ServerUrl(), postgres://postgres@HOST:PORT/postgres.
inline std::pair<std::string, int> ServerHostPort() {
  const std::string url = ServerUrl();
  const size_t at = url.find('@') + 1, colon = url.find(':', at), slash = url.find('/', colon);
  return {url.substr(at, colon - at), std::stoi(url.substr(colon + 1, slash - colon - 1))};
}

inline std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

inline void Admin(const std::string& url, const std::string& sql) {
  Connection(url).ExecScript(sql);
}

// A fresh schema; the returned URL makes it the connection's search_path.
inline std::string FreshSchemaUrl(const std::string& url) {
  const std::string schema = UniqueName("bx_t");
  Admin(url, "CREATE SCHEMA " + schema);  // names are ours: letters, digits, _
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

// A fresh database (its own advisory locks: leader election); returns its URL.
inline std::string FreshDatabaseUrl(const std::string& url) {
  const std::string db = UniqueName("bx_db");
  Admin(url, "CREATE DATABASE " + db);
  const size_t slash = url.find('/', url.find("://") + 3);
  return url.substr(0, slash) + "/" + db;
}

}  // namespace bx::pg::testing
