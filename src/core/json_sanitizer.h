#pragma once
// Makes event properties (JSON text from the source store, usually valid, sometimes dirty) safe
// to embed as one value on one JSON-lines line: no invalid UTF-8, no lone surrogate escapes, no
// NUL.

#include <memory>
#include <string>
#include <string_view>

namespace bx {

enum class JsonCleanliness {
  kClean,     // valid JSON needing no change: appended as the original bytes
  kRepaired,  // valid JSON structure, but bad bytes/escapes fixed or line breaks removed
  kNotJson,   // not JSON at all: appended as a JSON string holding the text
};

// Reusable and not thread-safe: holds a simdjson parser and scratch buffers, so that once warm
// (after the largest input has been seen) Append allocates nothing beyond growing `out`. A
// moved-from sanitizer may only be destroyed or assigned to.
class JsonSanitizer {
 public:
  JsonSanitizer();
  ~JsonSanitizer();
  JsonSanitizer(JsonSanitizer&&) noexcept;
  JsonSanitizer& operator=(JsonSanitizer&&) noexcept;

  // Appends `text` to `out` as one JSON value on one line and says what was done.
  JsonCleanliness Append(std::string_view text, std::string& out);
  // Whether Append would copy `text` unchanged, by the fast check alone: false for the rare
  // valid JSON that simdjson refuses (numbers beyond its range, depth over 1024), which Append
  // still calls clean.
  bool IsClean(std::string_view text);

 private:
  struct State;  // keeps simdjson.h out of this header
  std::unique_ptr<State> state_;
};

}  // namespace bx
