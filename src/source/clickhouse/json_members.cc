#include "source/clickhouse/json_members.h"

#include <simdjson.h>

namespace bx {

struct JsonMembers::Parser {
  simdjson::dom::parser dom;
};

JsonMembers::JsonMembers(std::vector<Wanted> wanted)
    : wanted_(std::move(wanted)), values_(wanted_.size()), parser_(std::make_unique<Parser>()) {}
JsonMembers::JsonMembers(JsonMembers&&) noexcept = default;
JsonMembers::~JsonMembers() = default;

void JsonMembers::Read(std::string_view json) {
  for (auto& value : values_) value.reset();
  simdjson::dom::object object;
  if (parser_->dom.parse(json.data(), json.size()).get_object().get(object) != simdjson::SUCCESS) {
    return;
  }
  std::vector<bool> seen(wanted_.size(), false);
  for (const auto field : object) {
    for (size_t i = 0; i < wanted_.size(); ++i) {
      if (seen[i] || field.key != wanted_[i].name) continue;
      seen[i] = true;
      const simdjson::dom::element value = field.value;
      if (wanted_[i].as == As::kJson) {
        values_[i] = simdjson::minify(value);
        continue;
      }
      switch (value.type()) {
        case simdjson::dom::element_type::STRING:
          values_[i] = std::string(value.get_string().value_unsafe());
          break;
        case simdjson::dom::element_type::BOOL:
          values_[i] = value.get_bool().value_unsafe() ? "1" : "0";
          break;
        case simdjson::dom::element_type::NULL_VALUE:
          break;
        default:
          values_[i] = simdjson::minify(value);
      }
    }
  }
}

}  // namespace bx
