#include "sink/destination_registry.h"

#include "base/error.h"
#include "core/secret_fields.h"

namespace bx {

void DestinationRegistry::Add(DestinationType type) {
  for (const std::string& field : SecretFieldNames(type.description.fields)) {
    AddSecretFieldName(field);
  }
  std::lock_guard lock(mu_);
  const std::string name = type.name;
  types_[name] = std::move(type);
}

const DestinationType& DestinationRegistry::Get(const std::string& name) const {
  std::lock_guard lock(mu_);
  if (auto it = types_.find(name); it != types_.end()) return it->second;
  std::string known;
  for (const auto& [n, type] : types_) known += (known.empty() ? "" : ", ") + n;
  throw InvalidArgument("destination.type",
                        "'" + name + "' is not a supported destination; use " + known);
}

std::vector<std::string> DestinationRegistry::Names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, type] : types_) names.push_back(name);
  return names;
}

nlohmann::json DestinationRegistry::DescriptionsJson() const {
  std::lock_guard lock(mu_);
  nlohmann::json types = nlohmann::json::array();
  for (const auto& [name, type] : types_) {
    nlohmann::json entry = {{"type", name}};
    if (!type.alias_of.empty()) entry["alias_of"] = type.alias_of;
    entry.update(DescriptionJson(type.description));
    types.push_back(std::move(entry));
  }
  return {{"types", std::move(types)}};
}

JsonFields DestinationConfigFields(const nlohmann::json& config) {
  JsonFields fields(config, "destination.config");
  fields.Allow({"include_events", "exclude_events"});  // the events model's filters
  return fields;
}

}  // namespace bx
