#pragma once
// Rows in PostgreSQL's binary COPY format: a signature and header, per row a 16-bit field count
// and per field a 32-bit length (-1 for NULL) and the type's binary form (big-endian integers;
// timestamps as microseconds since 2000-01-01; jsonb as version 1 and the JSON text; text as its
// bytes), and a -1 trailer. Values are cleaned and cut as for the text format.

#include <cstdint>
#include <string>
#include <vector>

#include "sink/postgres/copy_encoder.h"
#include "sink/postgres/table_values.h"

namespace bx {

class CopyBinaryEncoder : public CopyEncoder {
 public:
  // Whether every column's table type is one this encoder writes from its value type: text,
  // varchar, bpchar, json and jsonb from strings and JSON; int2, int4 and int8 from integers;
  // timestamptz and timestamp from timestamps; bool from booleans.
  static bool Supports(const Schema& schema, const std::vector<CopyColumn>& columns);

  CopyBinaryEncoder(const Schema& schema, std::vector<CopyColumn> columns);

  const char* options() const override { return " (FORMAT binary)"; }
  void Begin(std::string& out) override;
  void End(std::string& out) override;
  void Append(const RecordBatch& batch, std::string& out) override;
  uint64_t repaired() const override { return values_.repaired(); }

 private:
  enum class Wire { kText, kJsonb, kInt2, kInt4, kInt8, kTimestamp, kBool };

  const Schema& schema_;
  std::vector<CopyColumn> columns_;
  std::vector<Wire> wires_;
  TableValueText values_;
};

}  // namespace bx
