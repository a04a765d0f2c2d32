#include "sink/config_description.h"

namespace bx {
namespace {

const char* KindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString:
      return "string";
    case FieldKind::kText:
      return "text";
    case FieldKind::kInteger:
      return "integer";
    case FieldKind::kNumber:
      return "number";
    case FieldKind::kBoolean:
      return "boolean";
    case FieldKind::kEnum:
      return "enum";
    case FieldKind::kObject:
      return "object";
  }
  return "string";
}

nlohmann::json FieldsJson(const std::vector<ConfigField>& fields) {
  nlohmann::json out = nlohmann::json::array();
  for (const ConfigField& f : fields) {
    out.push_back(nlohmann::json{
        {"name", f.name},
        {"label", f.label},
        {"kind", KindName(f.kind)},
        {"required", f.required},
        {"secret", f.secret},
        {"default", f.default_value},
        {"help", f.help},
        {"placeholder", f.placeholder.empty() ? nlohmann::json() : nlohmann::json(f.placeholder)},
        {"options", f.options.empty() ? nlohmann::json() : nlohmann::json(f.options)},
        {"fields", f.fields.empty() ? nlohmann::json() : FieldsJson(f.fields)}});
  }
  return out;
}

void AddSecretNames(const std::vector<ConfigField>& fields, std::vector<std::string>& names) {
  for (const ConfigField& f : fields) {
    if (f.secret) names.push_back(f.name);
    AddSecretNames(f.fields, names);
  }
}

}  // namespace

std::vector<std::string> SecretFieldNames(const std::vector<ConfigField>& fields) {
  std::vector<std::string> names;
  AddSecretNames(fields, names);
  return names;
}

nlohmann::json DescriptionJson(const DestinationDescription& description) {
  return {{"label", description.label},
          {"description", description.description},
          {"summary", description.summary},
          {"fields", FieldsJson(description.fields)}};
}

}  // namespace bx
