// Each destination's description (what the API serves and the web UI builds its form from) is
// held to its parser: a config of the required fields' examples is valid; leaving out a
// required field is an error naming it; a wrong value in any described field is an error naming
// that field (so the parser reads it, under that name); a field the description lacks is refused;
// the fields marked secret are the secret ones.
#include <gtest/gtest.h>

#include <functional>

#include "base/error.h"
#include "core/secret_fields.h"
#include "sink/all/destinations.h"
#include "testing/rsa_test_keys.h"

namespace bx {
namespace {

using nlohmann::json;

// An example value for a required field: its placeholder, else its kind's.
json Example(const std::string& type, const ConfigField& field) {
  if (field.name == "private_key") {
    static const std::string pem = testing::NewRsaKeyPem();
    return pem;
  }
  switch (field.kind) {
    case FieldKind::kString:
    case FieldKind::kText:
      return field.placeholder.empty() ? "example" : field.placeholder;
    case FieldKind::kInteger:
    case FieldKind::kNumber:
      return field.default_value.is_null() ? json(1) : field.default_value;
    case FieldKind::kBoolean:
      return false;
    case FieldKind::kEnum:
      return field.default_value.is_null() ? json(field.options.at(0)) : field.default_value;
    case FieldKind::kObject:
      break;
  }
  json object = json::object();
  for (const ConfigField& f : field.fields) {
    if (f.required) object[f.name] = Example(type, f);
  }
  return object;
}

// What an optional object needs around it to be read at all, which a description does not say:
// Redshift reads copy_inputs in copy mode only, and both staging buckets need a way in (keys, a
// role or an integration) and, on AWS, a region.
json ObjectContext(const std::string& type, const std::string& object) {
  if (type == "Redshift" && object == "copy_inputs") {
    return {
        {"mode", "copy"},
        {"copy_inputs",
         {{"iam_role", "arn:aws:iam::123456789012:role/RedshiftLoad"}, {"region", "us-east-1"}}}};
  }
  if (type == "Snowflake" && object == "stage") {
    return {{"stage", {{"storage_integration", "S3_INTEGRATION"}, {"region", "us-east-1"}}}};
  }
  return json::object();
}

json WrongValue(const ConfigField& field) {
  switch (field.kind) {
    case FieldKind::kString:
    case FieldKind::kText:
      return json::array({1});
    case FieldKind::kEnum:
      return "not-one-of-the-options";
    case FieldKind::kObject:
      return 7;
    default:
      return "not-a-value-of-this-kind";
  }
}

json MinimalConfig(const std::string& type, const std::vector<ConfigField>& fields) {
  json config = json::object();
  for (const ConfigField& f : fields) {
    if (f.required) config[f.name] = Example(type, f);
  }
  return config;
}

// Runs the type's validation; "" when valid, else the error's message.
std::string Validate(const std::string& type, const json& config) {
  try {
    Destinations().Get(type).validate(config);
    return "";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "InvalidArgument") << e.Describe();
    return e.message();
  }
}

// Calls `check(config, path)` for every field: top-level ones in the minimal config, those of an
// optional object with the object present (its required fields and its context set).
void ForEachField(const std::string& type,
                  const std::function<void(const ConfigField&, json config, json::json_pointer at,
                                           const std::string& path)>& check) {
  const std::vector<ConfigField>& fields = Destinations().Get(type).description.fields;
  const json minimal = MinimalConfig(type, fields);
  for (const ConfigField& field : fields) {
    check(field, minimal, json::json_pointer("/" + field.name), "destination.config." + field.name);
    if (field.kind != FieldKind::kObject) continue;
    json with_object = minimal;
    with_object[field.name] = Example(type, field);
    with_object.merge_patch(ObjectContext(type, field.name));
    for (const ConfigField& nested : field.fields) {
      check(nested, with_object, json::json_pointer("/" + field.name + "/" + nested.name),
            "destination.config." + field.name + "." + nested.name);
    }
  }
}

class DestinationDescriptions : public ::testing::TestWithParam<std::string> {};

TEST_P(DestinationDescriptions, AConfigOfTheRequiredFieldsExamplesIsValid) {
  const std::string type = GetParam();
  const auto& description = Destinations().Get(type).description;
  EXPECT_FALSE(description.label.empty());
  EXPECT_FALSE(description.description.empty());
  EXPECT_FALSE(description.fields.empty());
  EXPECT_EQ(Validate(type, MinimalConfig(type, description.fields)), "");
  // Every optional object is valid with its required fields too.
  for (const ConfigField& field : description.fields) {
    if (field.kind != FieldKind::kObject) continue;
    json config = MinimalConfig(type, description.fields);
    config[field.name] = Example(type, field);
    config.merge_patch(ObjectContext(type, field.name));
    EXPECT_EQ(Validate(type, config), "") << field.name;
  }
}

TEST_P(DestinationDescriptions, EveryRequiredFieldIsRequired) {
  const std::string type = GetParam();
  ForEachField(type, [&](const ConfigField& field, json config, json::json_pointer at,
                         const std::string& path) {
    if (!field.required) return;
    config[at.parent_pointer()].erase(field.name);
    EXPECT_EQ(Validate(type, config).rfind(path + ": ", 0), 0u)
        << type << " " << path << ": " << Validate(type, config);
  });
}

TEST_P(DestinationDescriptions, EveryDescribedFieldIsReadUnderItsName) {
  const std::string type = GetParam();
  ForEachField(type, [&](const ConfigField& field, json config, json::json_pointer at,
                         const std::string& path) {
    config[at] = WrongValue(field);
    const std::string message = Validate(type, config);
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << type << " " << path << ": " << message;
    EXPECT_EQ(message.find("unknown field"), std::string::npos) << type << " " << path;
  });
}

TEST_P(DestinationDescriptions, AFieldNotDescribedIsRefused) {
  const std::string type = GetParam();
  json config = MinimalConfig(type, Destinations().Get(type).description.fields);
  config["not_a_described_field"] = "x";
  EXPECT_EQ(Validate(type, config),
            "destination.config.not_a_described_field: unknown field; check its spelling");
}

TEST_P(DestinationDescriptions, TheSecretFieldsAreSecret) {
  const std::string type = GetParam();
  ForEachField(type,
               [&](const ConfigField& field, json, json::json_pointer, const std::string& path) {
                 EXPECT_EQ(IsSecretField(field.name), field.secret) << type << " " << path;
                 if (field.secret) EXPECT_TRUE(field.default_value.is_null()) << path;
               });
}

TEST_P(DestinationDescriptions, EnumDefaultsAreOptions) {
  ForEachField(
      GetParam(), [&](const ConfigField& field, json, json::json_pointer, const std::string& path) {
        if (field.kind == FieldKind::kEnum) {
          EXPECT_FALSE(field.options.empty()) << path;
          if (!field.default_value.is_null()) {
            EXPECT_NE(std::find(field.options.begin(), field.options.end(), field.default_value),
                      field.options.end())
                << path;
          }
        }
        EXPECT_EQ(field.kind == FieldKind::kObject, !field.fields.empty()) << path;
      });
}

INSTANTIATE_TEST_SUITE_P(EveryType, DestinationDescriptions,
                         ::testing::ValuesIn(Destinations().Names()),
                         [](const auto& info) { return info.param; });

TEST(DestinationDescriptionsJson, ListsEveryTypeWithItsFields) {
  const json all = Destinations().DescriptionsJson();
  std::vector<std::string> names;
  for (const json& type : all["types"]) names.push_back(type["type"]);
  EXPECT_EQ(names, (std::vector<std::string>{"AwsS3", "BigQuery", "File", "Postgres", "Redshift",
                                             "S3", "S3Compatible", "Snowflake"}));
  const json& aws = all["types"][0];
  EXPECT_EQ(aws["alias_of"], "S3");
  const json& file = all["types"][2];
  EXPECT_EQ(file["label"], "Local directory");
  EXPECT_EQ(file["summary"], "{path}/{prefix}");
  EXPECT_EQ(file["fields"][0],
            json::parse(R"({"name": "path", "label": "Directory", "kind": "string",
              "required": true, "secret": false, "default": null,
              "help": "On the server's machine; created when missing. Nothing below it is reached through a symbolic link.",
              "placeholder": "/data/exports", "options": null, "fields": null})"));
  const json& snowflake = all["types"][7];
  const json& stage = snowflake["fields"].back();
  EXPECT_EQ(stage["name"], "stage");
  EXPECT_EQ(stage["kind"], "object");
  EXPECT_EQ(stage["fields"][0]["name"], "bucket_name");
}

}  // namespace
}  // namespace bx
