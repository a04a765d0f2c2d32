#pragma once
// Where the ClickHouse source reads: the `--source` URL form
//   clickhouse://[user[:password]@]host[:port][/database][?option=value&...]
// over ClickHouse's HTTP interface (port 8123 by default; `secure=1` for HTTPS, port 8443).
// Options: `secure`, `compress` (ask for gzip bodies; default on except on a loopback host,
// where compressing costs more than it saves), `password_file` (the password in a file, not on
// the command line), `rows_per_query` (an events interval with more rows is read in pieces of
// about this many, each sorted by the server on its own while the one before is exported;
// default 250000: a piece's sort is what the server holds in memory), and
// `settings.<name>=<value>`: ClickHouse settings sent with every query.
// Without a password in the URL or a file, CLICKHOUSE_PASSWORD from the environment is used.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bx {

struct ClickHouseConfig {
  std::string base_url;  // http(s)://host:port
  std::string user = "default";
  std::string password;  // a secret: never in a message or a log line
  std::string database = "default";
  bool compress = false;
  uint64_t rows_per_query = 250'000;
  std::vector<std::pair<std::string, std::string>> settings;

  // The URL without the password, for messages and logs.
  std::string Describe() const;
};

// True for the URLs this source takes (the clickhouse:// scheme).
bool IsClickHouseUrl(const std::string& spec);

// Throws InvalidArgument("--source", ...) naming what is wrong, never the password.
ClickHouseConfig ParseClickHouseUrl(const std::string& spec);

}  // namespace bx
