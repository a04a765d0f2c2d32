// The JSON sanitizer (format/jsonl), given any bytes as an event's properties.
// Invariant: never crashes, and what it appends is one line of valid UTF-8 JSON (strict RFC 8259,
// no NUL in any string) that the sanitizer then takes as clean, byte for byte; text it calls
// clean is appended unchanged; text it calls not JSON becomes one JSON string.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json_sanitizer.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static bx::JsonSanitizer sanitizer;  // reused, as the encoder reuses it
  std::string out = "x";               // appends after what is there
  const bx::JsonCleanliness kind = sanitizer.Append(text, out);
  FUZZ_CHECK(out[0] == 'x', "the sanitizer changed what was in `out` before");
  const std::string_view value = std::string_view(out).substr(1);

  FUZZ_CHECK(value.find('\n') == std::string_view::npos, "a raw newline in the output");
  FUZZ_CHECK(value.find('\r') == std::string_view::npos, "a raw carriage return in the output");
  FUZZ_CHECK(bx::fuzz::IsUtf8(value), "output is not valid UTF-8");
  FUZZ_CHECK(bx::fuzz::IsCleanJson(value), "output is not strict JSON free of NUL");
  if (kind == bx::JsonCleanliness::kClean) FUZZ_CHECK(value == text, "clean text was changed");
  if (kind == bx::JsonCleanliness::kNotJson) {
    FUZZ_CHECK(value.size() >= 2 && value.front() == '"' && value.back() == '"',
               "text that is not JSON did not become one JSON string");
  }

  // What came out is what the next run of an export would read back: it must pass unchanged.
  std::string again;
  FUZZ_CHECK(sanitizer.Append(value, again) == bx::JsonCleanliness::kClean,
             "the sanitizer's own output is not clean to it");
  FUZZ_CHECK(again == value, "sanitizing the output again changed it");
  return 0;
}
