#pragma once
// Top-level members of a JSON object, read the way the embedded store's SQLite reads them, so
// both sources export the same values: the first member of a name counts; `Value` is `->>`
// (a string unescaped, a number's text, true/false as 1/0, null as absent) and `Json` is `->`
// (the member's JSON text, minified). Text that is not a JSON object has no members.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bx {

class JsonMembers {
 public:
  enum class As { kValue, kJson };
  struct Wanted {
    std::string_view name;
    As as;
  };

  explicit JsonMembers(std::vector<Wanted> wanted);
  JsonMembers(JsonMembers&&) noexcept;
  ~JsonMembers();

  // Reads `json`; afterwards Get(i) is the i-th wanted member, or nullopt.
  void Read(std::string_view json);
  const std::optional<std::string>& Get(size_t i) const { return values_[i]; }

 private:
  struct Parser;
  std::vector<Wanted> wanted_;
  std::vector<std::optional<std::string>> values_;
  std::unique_ptr<Parser> parser_;
};

}  // namespace bx
