#pragma once
// Secret fields of a destination config: write-only through the API, never logged, encrypted at
// rest. Matched by name at any depth under "destination.config".

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bx {

bool IsSecretField(std::string_view name);
// Adds a name to the secret fields (a destination declaring its own; see DestinationRegistry).
// Names common to many destinations (password, private_key, aws_secret_access_key, ...) are
// secret from the start, so a config is never rendered before its destination registered.
void AddSecretFieldName(std::string_view name);

// Calls `f` on every secret value under config["destination"]["config"] (any depth).
void ForEachSecret(nlohmann::json& config, const std::function<void(nlohmann::json&)>& f);

// A copy with every secret value replaced by {"set": true} (or {"set": false} when null/"").
nlohmann::json RedactSecrets(const nlohmann::json& config);

}  // namespace bx
