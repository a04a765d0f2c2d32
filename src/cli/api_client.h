#pragma once
// The CLI's HTTP client for the REST API. Where to connect: --url, or BATCH_EXPORT_URL, or
// http://127.0.0.1:8000. Token: --token, or BATCH_EXPORT_TOKEN, or <--data-dir>/api-token.
// An API error becomes a bx::Error with the API's type and detail (InvalidArgument kind for
// 400/422, so the command exits 2).

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace CLI {
class App;
}
namespace httplib {
class Client;
}

namespace bx {

// Each of --url and --token: the flag when given, else its environment variable
// (BATCH_EXPORT_URL, BATCH_EXPORT_TOKEN), else the default (http://127.0.0.1:8000; the token in
// --data-dir). A flag always wins, so a command never goes to another server than the one named.
struct ClientFlags {
  std::string url;
  std::string token;
  std::string data_dir;
  bool json = false;  // print the API's JSON instead of tables
};

// Adds --url, --token, --data-dir and --json to a client command.
void AddClientFlags(CLI::App& cmd, ClientFlags& flags);

class ApiClient {
 public:
  explicit ApiClient(const ClientFlags& flags);
  ~ApiClient();

  nlohmann::json Get(const std::string& path);
  nlohmann::json Post(const std::string& path,
                      const nlohmann::json& body = nlohmann::json::object());
  nlohmann::json Patch(const std::string& path, const nlohmann::json& body);
  void Delete(const std::string& path);

  // Every item of a paginated list, following `next` cursors.
  nlohmann::json GetAll(const std::string& path);

  const std::string& url() const { return url_; }

 private:
  nlohmann::json Handle(const std::string& method, const std::string& path, void* result);

  std::string url_;
  std::string base_path_;  // a path prefix in --url, e.g. "/bx" for http://host/bx
  std::unique_ptr<httplib::Client> http_;
};

// "/api/batch_exports/<id>..." with the id made safe for a path.
std::string ExportPath(const std::string& export_id, const std::string& rest = "");

}  // namespace bx
