#pragma once
// Rows of RecordBatches as the data of a `COPY ... FROM STDIN`: in PostgreSQL's binary format
// when the binary encoder writes every column's type (the server loads it about a fifth faster
// than text: bench/export-postgres), else in the text format.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "sink/postgres/table_values.h"

namespace bx {

class CopyEncoder {
 public:
  virtual ~CopyEncoder() = default;
  // The COPY statement's format option: "" (text) or " (FORMAT binary)".
  virtual const char* options() const = 0;
  // What the data starts and ends with.
  virtual void Begin(std::string& /*out*/) {}
  virtual void End(std::string& /*out*/) {}
  // Appends every row of `batch`. Throws a non-retryable PostgresError naming the column for a
  // value its column cannot hold.
  virtual void Append(const RecordBatch& batch, std::string& out) = 0;
  // Values cleaned or cut (format/value_cleaning.h, table_values.h).
  virtual uint64_t repaired() const = 0;
};

// `columns` of `schema` with their table types (CopyColumn::type).
std::unique_ptr<CopyEncoder> MakeCopyEncoder(const Schema& schema,
                                             const std::vector<CopyColumn>& columns);

}  // namespace bx
