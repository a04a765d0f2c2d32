#include "cli/api_client.h"

#include <httplib.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "base/error.h"
#include "base/strings.h"
#include "server/api_token.h"
#include "server/pagination.h"

namespace bx {
namespace {

using nlohmann::json;

std::string ReadTokenFile(const std::filesystem::path& data_dir) {
  const auto path = ApiTokenPath(data_dir);
  std::ifstream in(path);
  if (!in) {
    throw InvalidArgument("--data-dir", "no API token at " + path.string() +
                                            "; start 'batch-export serve' with this data dir "
                                            "first, or pass --token");
  }
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

constexpr const char* kDefaultUrl = "http://127.0.0.1:8000";

std::string FlagOrEnv(const std::string& flag, const char* env) {
  if (!flag.empty()) return flag;
  const char* value = std::getenv(env);
  return value ? value : "";
}

Error ApiErrorFrom(int status, const std::string& body) {
  std::string type = "HttpError", detail = "HTTP " + std::to_string(status);
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    if (parsed.contains("type") && parsed["type"].is_string()) type = parsed["type"];
    if (parsed.contains("detail") && parsed["detail"].is_string()) detail = parsed["detail"];
  }
  // 422: the request was right but the export's destination refused (a failed check), which
  // `check` also reports as a failure, not as bad input.
  const bool input_error = status == 400;
  return Error(input_error ? ErrorKind::kInvalidArgument : ErrorKind::kNonRetryable, type, detail);
}

// httplib's own names are its enum's ("Connection"): say what happened.
std::string DescribeFailure(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "could not connect (refused, or no route to the host)";
    case httplib::Error::ConnectionTimeout:
      return "no connection within 5 s";
    case httplib::Error::Read:
      return "the connection broke or timed out while reading the answer";
    case httplib::Error::Write:
      return "the connection broke while sending the request";
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
    case httplib::Error::SSLLoadingCerts:
      return "the TLS handshake failed (" + httplib::to_string(error) + ")";
    default:
      return "the request failed (" + httplib::to_string(error) + ")";
  }
}

// http[s]://host[:port][/path]: httplib would take "notaurl" as a host name and fail to connect.
void CheckUrl(const std::string& url, const std::string& field) {
  auto refuse = [&](const std::string& why) {
    throw InvalidArgument(field, JsonQuote(url) + " " + why +
                                     "; expected http://HOST[:PORT] or https://HOST[:PORT], "
                                     "e.g. http://127.0.0.1:8000");
  };
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) refuse("is not a URL");
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") refuse("has scheme '" + scheme + "'");
  const std::string authority =
      url.substr(scheme_end + 3, url.find('/', scheme_end + 3) - (scheme_end + 3));
  const size_t colon = authority.rfind(':');
  const bool ipv6 = authority.starts_with("[");
  const std::string host = colon == std::string::npos || (ipv6 && authority.back() == ']')
                               ? authority
                               : authority.substr(0, colon);
  if (host.empty()) refuse("has no host");
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      refuse("holds a space or control character");
  }
  if (host.size() < authority.size()) {
    const std::string port = authority.substr(host.size() + 1);
    const bool digits =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(port) == 0 || std::stoi(port) > 65535) {
      refuse("has port '" + port + "' (1 to 65535)");
    }
  }
}

}  // namespace

void AddClientFlags(CLI::App& cmd, ClientFlags& flags) {
  // Not CLI11's envname: with subcommands it let the environment override a flag given after
  // the subcommand's name. ApiClient reads the environment only for flags left out.
  cmd.add_option(
      "--url", flags.url,
      "API server URL (default: $BATCH_EXPORT_URL, else " + std::string(kDefaultUrl) + ")");
  cmd.add_option("--token", flags.token,
                 "API token (default: $BATCH_EXPORT_TOKEN, else <data-dir>/api-token)");
  cmd.add_option("--data-dir", flags.data_dir, "The server's data dir, to read its API token from");
  cmd.add_flag("--json", flags.json, "Print the API's JSON instead of a table");
}

ApiClient::ApiClient(const ClientFlags& flags) : url_(FlagOrEnv(flags.url, "BATCH_EXPORT_URL")) {
  if (url_.empty()) url_ = kDefaultUrl;
  CheckUrl(url_, flags.url.empty() ? "BATCH_EXPORT_URL" : "--url");
  // httplib wants scheme://host[:port]; keep a path prefix ourselves.
  const size_t scheme_end = url_.find("://");
  const size_t path_start = url_.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  std::string origin = url_;
  if (path_start != std::string::npos) {
    origin = url_.substr(0, path_start);
    base_path_ = url_.substr(path_start);
    while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
  }
  http_ = std::make_unique<httplib::Client>(origin);
  if (!http_->is_valid()) throw InvalidArgument("--url", "'" + url_ + "' is not a usable URL");
  http_->set_connection_timeout(5, 0);
  http_->set_read_timeout(120, 0);
  http_->set_tcp_nodelay(true);
  std::string token = FlagOrEnv(flags.token, "BATCH_EXPORT_TOKEN");
  if (token.empty() && !flags.data_dir.empty()) token = ReadTokenFile(flags.data_dir);
  if (!token.empty()) http_->set_bearer_token_auth(token);
}

ApiClient::~ApiClient() = default;

json ApiClient::Handle(const std::string& method, const std::string& path, void* result) {
  auto& r = *static_cast<httplib::Result*>(result);
  if (!r) {
    throw Error(ErrorKind::kRetryable, "ConnectionError",
                "cannot reach " + url_ + " (" + method + " " + path +
                    "): " + DescribeFailure(r.error()) +
                    "; is 'batch-export serve' running there? (--url, $BATCH_EXPORT_URL)");
  }
  if (r->status < 200 || r->status >= 300) throw ApiErrorFrom(r->status, r->body);
  if (r->body.empty()) return json();
  json parsed = json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw Error(ErrorKind::kNonRetryable, "BadResponse",
                method + " " + path + " answered with something that is not JSON");
  }
  return parsed;
}

json ApiClient::Get(const std::string& path) {
  auto r = http_->Get(base_path_ + path);
  return Handle("GET", path, &r);
}

json ApiClient::Post(const std::string& path, const json& body) {
  auto r = http_->Post(base_path_ + path, body.dump(), "application/json");
  return Handle("POST", path, &r);
}

json ApiClient::Patch(const std::string& path, const json& body) {
  auto r = http_->Patch(base_path_ + path, body.dump(), "application/json");
  return Handle("PATCH", path, &r);
}

void ApiClient::Delete(const std::string& path) {
  auto r = http_->Delete(base_path_ + path);
  Handle("DELETE", path, &r);
}

json ApiClient::GetAll(const std::string& path) {
  json all = json::array();
  const char separator = path.find('?') == std::string::npos ? '?' : '&';
  std::string next_path = path;
  for (;;) {
    const json page = Get(next_path);
    for (const json& item : page.value("results", json::array())) all.push_back(item);
    if (!page.contains("next") || !page["next"].is_string()) break;
    // Follow the cursor on our own base URL (the server's idea of its host may differ).
    const std::string next = page["next"];
    const size_t at = next.find("cursor=");
    if (at == std::string::npos) break;
    std::string cursor = next.substr(at + 7);
    cursor = cursor.substr(0, cursor.find('&'));
    next_path = path + separator + "cursor=" + cursor;
  }
  return all;
}

std::string ExportPath(const std::string& export_id, const std::string& rest) {
  return "/api/batch_exports/" + UrlEncode(export_id) + rest;
}

}  // namespace bx
