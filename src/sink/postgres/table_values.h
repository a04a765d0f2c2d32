#pragma once
// Values of a RecordBatch as a PostgreSQL-wire table takes them: text (timestamps ISO 8601 in
// UTC, booleans t/f), following the project's cleaning rule (format/value_cleaning.h) and what
// the databases refuse besides: a JSON "\u0000" escape (jsonb cannot hold it) becomes "\ufffd",
// and text longer than its column's declared length is cut to it (PostgreSQL counts characters,
// Redshift bytes). Each such change counts as repaired.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "core/json_sanitizer.h"
#include "core/record_batch.h"

namespace bx {

struct CopyColumn {
  size_t index;                      // in the batch's schema
  std::optional<size_t> max_length;  // VARCHAR(n): n
  bool length_in_bytes = false;      // Redshift's VARCHAR(n) counts bytes
  std::string type;                  // the table column's type name ("varchar", "jsonb", ...)
};

class TableValueText {
 public:
  // Appends the value at `row` of `column` as text (timestamps ISO 8601 in UTC, booleans t/f),
  // cleaned and cut to the column's length; false for a NULL (nothing appended).
  bool Append(const Column& column, size_t row, const CopyColumn& spec, std::string& out);
  uint64_t repaired() const { return repaired_; }

 private:
  void AppendText(std::string_view value, const CopyColumn& spec, std::string& out);
  void AppendJson(std::string_view value, std::string& out);

  JsonSanitizer json_;
  IsoMicrosWriter times_;
  std::string clean_;
  uint64_t repaired_ = 0;
};

}  // namespace bx
