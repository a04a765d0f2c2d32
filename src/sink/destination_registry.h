#pragma once
// The destination types by name ("File", "S3", ...). Each destination folder (sink/<name>/)
// parses and validates its own config and registers itself; sink/all lists the built-in ones,
// and tests add their own.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "sink/config_description.h"
#include "sink/destination.h"
#include "sink/write_location.h"

namespace bx {

struct DestinationType {
  std::string name;  // destination.type
  // Its fields, for the API and the web UI's form; its secret fields are write-only through the
  // API and encrypted at rest.
  DestinationDescription description;
  // Another name of the same destination ("AwsS3" for "S3"); empty for most.
  std::string alias_of;
  // Throws InvalidArgument naming the field ("destination.config.bucket_name") when `config`
  // is not valid for this type. Connects to nothing.
  std::function<void(const nlohmann::json& config)> validate;
  // A destination for a valid `config`; throws bx::Error (missing credentials, say).
  std::function<std::unique_ptr<Destination>(const nlohmann::json& config)> make;
  // Where a valid `config` writes its keys, so that the service can refuse a second export
  // writing the same place; unset for destinations whose writes cannot collide.
  std::function<WriteLocation(const nlohmann::json& config)> location;
};

class DestinationRegistry {
 public:
  void Add(DestinationType type);
  // Throws InvalidArgument("destination.type", ...) listing the known types.
  const DestinationType& Get(const std::string& name) const;
  std::vector<std::string> Names() const;
  // {"types": [{"type", "alias_of"?, "label", "description", "summary", "fields"}]}, by name.
  nlohmann::json DescriptionsJson() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, DestinationType> types_;
};

// The reader of a destination config: errors name "destination.config.<field>", and the
// model's own fields that live there (include_events, exclude_events) are allowed.
JsonFields DestinationConfigFields(const nlohmann::json& config);

}  // namespace bx
