#pragma once
// What a destination's config looks like, for people and for the web UI's generated form:
// each field's name, kind, default, whether it is required or secret, and help text. Each
// destination describes itself next to its parser; GET /api/batch_export_destination_types
// serves the descriptions, and a test holds every description to what the parser accepts.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bx {

enum class FieldKind { kString, kText, kInteger, kNumber, kBoolean, kEnum, kObject };

struct ConfigField {
  std::string name;
  std::string label;
  FieldKind kind = FieldKind::kString;
  bool required = false;
  // Write-only through the API and encrypted at rest (core/secret_fields.h).
  bool secret = false;
  nlohmann::json default_value;  // null: none (the parser's behaviour is in `help`)
  std::string help;
  std::string placeholder;           // an example value
  std::vector<std::string> options;  // kEnum: the values allowed
  std::vector<ConfigField> fields;   // kObject: its own fields
};

struct DestinationDescription {
  std::string label;        // "Amazon S3"
  std::string description;  // one sentence on what it does
  // How a list shows an export's target: field names in braces, "s3://{bucket_name}/{prefix}".
  std::string summary;
  std::vector<ConfigField> fields;
};

// The names of the secret fields at any depth.
std::vector<std::string> SecretFieldNames(const std::vector<ConfigField>& fields);

// {"label", "description", "summary", "fields": [{"name", "label", "kind", "required", "secret",
// "default", "help", "placeholder", "options", "fields"}]}; "kind" is "string", "text",
// "integer", "number", "boolean", "enum" or "object".
nlohmann::json DescriptionJson(const DestinationDescription& description);

}  // namespace bx
