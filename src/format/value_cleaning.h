#pragma once
// The one cleaning rule of every file format, so that a value reads back the same from a JSON
// lines file and from a Parquet file (docs/architecture.md, "Cleaning"):
//   - text (ColumnType::kString): NUL bytes are dropped and each byte that is not part of valid
//     UTF-8 becomes U+FFFD; other control characters are kept (JSON lines escape them);
//   - JSON (ColumnType::kJson): the value as JsonSanitizer writes it: byte for byte when valid
//     and on one line, else repaired (U+FFFD for bad bytes and lone surrogates, NUL dropped,
//     compacted), and text that is not JSON at all becomes a JSON string holding it.
// A value the rule changes counts as repaired (the `repaired=` of a run).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json_sanitizer.h"
#include "core/record_batch.h"

namespace bx {

// What a count of repaired values means, for the messages that report one.
inline constexpr std::string_view kRepairedValuesMeaning =
    "values repaired (the repaired= of a run: NUL bytes dropped, invalid UTF-8 replaced by U+FFFD, "
    "invalid JSON fixed or, when not JSON at all, exported as a JSON string); no row was dropped";

// Whether `text` holds neither NUL nor invalid UTF-8.
bool IsCleanText(std::string_view text);
// Appends `text` cleaned by the text rule.
void AppendCleanText(std::string_view text, std::string& out);

// Applies the rule to the string and JSON columns of a batch, for formats that store values as
// they are (Parquet). Reusable, not thread-safe.
class ColumnCleaner {
 public:
  // Rows [begin, end) of `column`, cleaned (a value the source vouched for, Column::KnownClean,
  // is not checked again): `column` itself when it is neither a string nor a
  // JSON column or those rows need no change; otherwise a copy of those rows, cleaned, and
  // `begin` and `end` then index the copy. The copy lives until the next call.
  const Column& Clean(const Column& column, size_t& begin, size_t& end);
  uint64_t repaired() const { return repaired_; }

 private:
  bool IsClean(ColumnType type, std::string_view value);
  // Appends `value` cleaned to `out`; true when that changed it.
  bool AppendClean(ColumnType type, std::string_view value, std::string& out);

  JsonSanitizer json_;
  Column copy_{ColumnType::kString};
  std::string scratch_;
  uint64_t repaired_ = 0;
};

}  // namespace bx
