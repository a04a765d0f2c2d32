#pragma once
// Strict reading of a JSON object: every field read is typed and range-checked, and a field
// nobody asked for is an error. Errors name the field by its full path
// ("destination.config.max_file_size_mb") so a user knows exactly what to fix.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bx {

class JsonFields {
 public:
  // Throws InvalidArgument when `value` is not an object. `path` is "" at the top level.
  JsonFields(const nlohmann::json& value, std::string path);

  std::string Path(const std::string& key) const;
  bool Has(const std::string& key) const;  // present and not null

  std::string RequiredString(const std::string& key);
  std::optional<std::string> OptionalString(const std::string& key);
  std::optional<int64_t> OptionalInt(const std::string& key, int64_t min, int64_t max);
  std::optional<double> OptionalNumber(const std::string& key, double min, double max);
  std::optional<bool> OptionalBool(const std::string& key);
  std::vector<std::string> OptionalStringList(const std::string& key);
  // The raw value (marks the key as known); nullptr when absent or null.
  const nlohmann::json* Optional(const std::string& key);
  // Marks keys as known without reading them.
  void Allow(std::initializer_list<const char*> keys);
  // Throws InvalidArgument for the first field that was never read or allowed.
  void RejectUnknown() const;

 private:
  const nlohmann::json& value_;
  std::string path_;
  std::set<std::string> known_;
};

}  // namespace bx
