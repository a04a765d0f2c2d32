#pragma once
// Rows of a RecordBatch in PostgreSQL's COPY text format: columns separated by tabs, rows by
// newlines, NULL as \N, backslash, tab, newline and carriage return escaped. Values follow the
// project's cleaning rule (format/value_cleaning.h) and what PostgreSQL refuses besides: a JSON
// "\u0000" escape (jsonb cannot hold it) becomes "\ufffd", and text longer than its column's
// declared length is cut to it (in characters). Each such change counts as repaired.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "core/record_batch.h"
#include "format/json_sanitizer.h"

namespace bx {

struct CopyColumn {
  size_t index;                     // in the batch's schema
  std::optional<size_t> max_chars;  // VARCHAR(n): n
};

class CopyTextEncoder {
 public:
  explicit CopyTextEncoder(std::vector<CopyColumn> columns) : columns_(std::move(columns)) {}

  // Appends every row of `batch`.
  void Append(const RecordBatch& batch, std::string& out);
  uint64_t repaired() const { return repaired_; }

 private:
  void AppendText(std::string_view value, std::optional<size_t> max_chars, std::string& out);
  void AppendJson(std::string_view value, std::string& out);

  std::vector<CopyColumn> columns_;
  JsonSanitizer json_;
  IsoMicrosWriter times_;
  std::string scratch_;
  uint64_t repaired_ = 0;
};

}  // namespace bx
