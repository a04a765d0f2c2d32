#include "core/secret_fields.h"

#include <mutex>
#include <set>
#include <string>

namespace bx {
namespace {

std::mutex secret_names_mu;
std::set<std::string, std::less<>>& SecretNames() {
  static std::set<std::string, std::less<>> names = {"aws_access_key_id",
                                                     "aws_session_token",
                                                     "aws_secret_access_key",
                                                     "secret_access_key",
                                                     "password",
                                                     "private_key",
                                                     "private_key_passphrase",
                                                     "credentials_json",
                                                     "service_account_key",
                                                     "api_key",
                                                     "session_token"};
  return names;
}

void Walk(nlohmann::json& value, const std::function<void(nlohmann::json&)>& f) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (IsSecretField(it.key())) {
        f(it.value());
      } else {
        Walk(it.value(), f);
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) Walk(item, f);
  }
}

}  // namespace

bool IsSecretField(std::string_view name) {
  std::lock_guard lock(secret_names_mu);
  return SecretNames().contains(name);
}

void AddSecretFieldName(std::string_view name) {
  std::lock_guard lock(secret_names_mu);
  SecretNames().emplace(name);
}

void ForEachSecret(nlohmann::json& config, const std::function<void(nlohmann::json&)>& f) {
  if (!config.is_object()) return;
  auto dest = config.find("destination");
  if (dest == config.end() || !dest->is_object()) return;
  auto inner = dest->find("config");
  if (inner == dest->end()) return;
  Walk(*inner, f);
}

nlohmann::json RedactSecrets(const nlohmann::json& config) {
  nlohmann::json copy = config;
  ForEachSecret(copy, [](nlohmann::json& v) {
    const bool set = !(v.is_null() || (v.is_string() && v.get<std::string>().empty()));
    v = nlohmann::json{{"set", set}};
  });
  return copy;
}

}  // namespace bx
