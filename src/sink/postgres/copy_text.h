#pragma once
// Rows in PostgreSQL's COPY text format: columns separated by tabs, rows by newlines, NULL as
// \N, backslash, tab, newline and carriage return escaped.

#include <cstdint>
#include <string>
#include <vector>

#include "sink/postgres/copy_encoder.h"
#include "sink/postgres/table_values.h"

namespace bx {

class CopyTextEncoder : public CopyEncoder {
 public:
  explicit CopyTextEncoder(std::vector<CopyColumn> columns) : columns_(std::move(columns)) {}

  const char* options() const override { return ""; }
  void Append(const RecordBatch& batch, std::string& out) override;
  uint64_t repaired() const override { return values_.repaired(); }

 private:
  std::vector<CopyColumn> columns_;
  TableValueText values_;
  std::string value_;
};

}  // namespace bx
