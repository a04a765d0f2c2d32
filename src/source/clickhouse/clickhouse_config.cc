#include "source/clickhouse/clickhouse_config.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/error.h"

namespace bx {
namespace {

constexpr std::string_view kScheme = "clickhouse://";
constexpr size_t kMaxUrlBytes = 8192;

Error Bad(const std::string& what) { return InvalidArgument("--source", what); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; `what` names the part in a message (never its value: it may be a secret).
std::string Decode(std::string_view text, const std::string& what) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
    if (lo < 0) throw Bad("the " + what + " in the ClickHouse URL has a bad %-escape");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  for (unsigned char c : out) {
    if (c < 0x20 || c == 0x7f) {
      throw Bad("the " + what + " in the ClickHouse URL holds a control character");
    }
  }
  return out;
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool IsHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' &&
        c != '[' && c != ']') {
      return false;
    }
  }
  return true;
}

bool ParseFlag(const std::string& name, const std::string& value) {
  if (value == "1" || value == "true") return true;
  if (value == "0" || value == "false") return false;
  throw Bad("the ClickHouse URL's option '" + name + "' takes 1/true or 0/false, not '" + value +
            "'");
}

std::string ReadPasswordFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Bad("cannot read the ClickHouse password_file '" + path + "'");
  std::string password;
  std::getline(in, password);  // the first line; a trailing newline is not part of it
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace

bool IsClickHouseUrl(const std::string& spec) { return spec.rfind(kScheme, 0) == 0; }

ClickHouseConfig ParseClickHouseUrl(const std::string& spec) {
  if (!IsClickHouseUrl(spec)) throw Bad("a ClickHouse URL starts with clickhouse://");
  if (spec.size() > kMaxUrlBytes) throw Bad("the ClickHouse URL is longer than 8192 bytes");
  std::string_view rest = std::string_view(spec).substr(kScheme.size());
  const size_t query_at = rest.find('?');
  std::string_view query = query_at == std::string_view::npos ? "" : rest.substr(query_at + 1);
  rest = rest.substr(0, query_at);
  const size_t path_at = rest.find('/');
  std::string_view path = path_at == std::string_view::npos ? "" : rest.substr(path_at + 1);
  std::string_view authority = rest.substr(0, path_at);

  ClickHouseConfig config;
  bool password_given = false;
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = userinfo.find(':');
    config.user = Decode(userinfo.substr(0, colon), "user");
    if (colon != std::string_view::npos) {
      config.password = Decode(userinfo.substr(colon + 1), "password");
      password_given = true;
    }
    if (config.user.empty()) throw Bad("the ClickHouse URL names an empty user");
  }
  std::string host(authority);
  std::string port;
  if (const size_t colon = host.rfind(':');
      colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    port = host.substr(colon + 1);
    host.resize(colon);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
        std::stoi(port) > 65535) {
      throw Bad("the ClickHouse URL's port '" + port + "' is not a number from 1 to 65535");
    }
  }
  if (!IsHost(host)) throw Bad("the ClickHouse URL names no valid host ('" + host + "')");
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (!path.empty()) {
    config.database = Decode(path, "database");
    if (!IsIdentifier(config.database)) {
      throw Bad("the ClickHouse database '" + config.database +
                "' is not a name of letters, digits and '_'");
    }
  }

  bool secure = false;
  std::optional<bool> compress;
  std::string password_file;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string name = Decode(pair.substr(0, eq), "option name");
    const std::string value =
        eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1), "option '" + name + "'");
    if (name == "secure") {
      secure = ParseFlag(name, value);
    } else if (name == "compress") {
      compress = ParseFlag(name, value);
    } else if (name == "rows_per_query") {
      char* end = nullptr;
      config.rows_per_query = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || value[0] == '-' || config.rows_per_query < 1000 ||
          config.rows_per_query > 1'000'000'000) {
        throw Bad(
            "the ClickHouse URL's rows_per_query takes a number from 1000 to 1000000000, "
            "not '" +
            value + "'");
      }
    } else if (name == "password_file") {
      password_file = value;
    } else if (name.rfind("settings.", 0) == 0 && IsIdentifier(name.substr(9))) {
      config.settings.emplace_back(name.substr(9), value);
    } else {
      throw Bad("the ClickHouse URL's option '" + name +
                "' is not one of secure, compress, password_file, rows_per_query, "
                "settings.<name>");
    }
  }
  if (!password_file.empty()) {
    if (password_given) throw Bad("give the ClickHouse password in the URL or a file, not both");
    config.password = ReadPasswordFile(password_file);
  } else if (!password_given) {
    if (const char* env = std::getenv("CLICKHOUSE_PASSWORD")) config.password = env;
  }
  if (port.empty()) port = secure ? "8443" : "8123";
  config.base_url = (secure ? "https://" : "http://") + host + ":" + port;
  const bool loopback = host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]";
  config.compress = compress.value_or(!loopback);
  return config;
}

std::string ClickHouseConfig::Describe() const {
  std::ostringstream out;
  out << "clickhouse " << user << "@" << base_url << "/" << database;
  return out.str();
}

}  // namespace bx
