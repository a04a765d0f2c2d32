#include "core/json_fields.h"

#include <cmath>

#include <fmt/format.h>

#include "base/error.h"

namespace bx {
namespace {

std::string TypeName(const nlohmann::json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

}  // namespace

JsonFields::JsonFields(const nlohmann::json& value, std::string path)
    : value_(value), path_(std::move(path)) {
  if (!value_.is_object()) {
    throw InvalidArgument(path_.empty() ? "(top level)" : path_,
                          "must be a JSON object, not " + TypeName(value_));
  }
}

std::string JsonFields::Path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

bool JsonFields::Has(const std::string& key) const {
  auto it = value_.find(key);
  return it != value_.end() && !it->is_null();
}

const nlohmann::json* JsonFields::Optional(const std::string& key) {
  known_.insert(key);
  auto it = value_.find(key);
  if (it == value_.end() || it->is_null()) return nullptr;
  return &*it;
}

void JsonFields::Allow(std::initializer_list<const char*> keys) {
  for (const char* k : keys) known_.insert(k);
}

std::string JsonFields::RequiredString(const std::string& key) {
  auto v = OptionalString(key);
  if (!v || v->empty()) throw InvalidArgument(Path(key), "is required");
  return *v;
}

std::optional<std::string> JsonFields::OptionalString(const std::string& key) {
  const nlohmann::json* v = Optional(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw InvalidArgument(Path(key), "must be a string, not " + TypeName(*v));
  return v->get<std::string>();
}

std::optional<int64_t> JsonFields::OptionalInt(const std::string& key, int64_t min, int64_t max) {
  const nlohmann::json* v = Optional(key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    throw InvalidArgument(Path(key), "must be a whole number, not " + TypeName(*v));
  }
  const int64_t n =
      v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX ? INT64_MAX : v->get<int64_t>();
  if (n < min || n > max) {
    throw InvalidArgument(Path(key), fmt::format("must be between {} and {}, not {}", min, max, n));
  }
  return n;
}

std::optional<double> JsonFields::OptionalNumber(const std::string& key, double min, double max) {
  const nlohmann::json* v = Optional(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) throw InvalidArgument(Path(key), "must be a number, not " + TypeName(*v));
  const double n = v->get<double>();
  if (!std::isfinite(n) || n < min || n > max) {
    throw InvalidArgument(Path(key), fmt::format("must be between {} and {}, not {}", min, max, n));
  }
  return n;
}

std::optional<bool> JsonFields::OptionalBool(const std::string& key) {
  const nlohmann::json* v = Optional(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean())
    throw InvalidArgument(Path(key), "must be true or false, not " + TypeName(*v));
  return v->get<bool>();
}

std::vector<std::string> JsonFields::OptionalStringList(const std::string& key) {
  const nlohmann::json* v = Optional(key);
  std::vector<std::string> out;
  if (!v) return out;
  if (!v->is_array()) {
    throw InvalidArgument(Path(key), "must be an array of strings, not " + TypeName(*v));
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    if (!item.is_string() || item.get<std::string>().empty()) {
      throw InvalidArgument(fmt::format("{}[{}]", Path(key), i), "must be a non-empty string");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

void JsonFields::RejectUnknown() const {
  for (auto it = value_.begin(); it != value_.end(); ++it) {
    if (!known_.count(it.key())) {
      throw InvalidArgument(Path(it.key()), "unknown field; check its spelling");
    }
  }
}

}  // namespace bx
