#pragma once
// A Parquet reader for the tests and the round-trip fuzzer, written from the Parquet and Thrift
// compact protocol specifications, sharing nothing with the writer but the block decompressors
// of compress/. It reads what our writer produces: a flat schema of OPTIONAL columns (BOOLEAN,
// INT64, BYTE_ARRAY), data pages v1 with RLE definition levels and PLAIN or RLE_DICTIONARY
// values, dictionary pages, every codec we write. Anything else, or any inconsistency (sizes,
// counts, offsets), is an error: it checks a file as much as it reads it.

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/record_batch.h"

namespace bx::parquet::testing {

struct ParquetReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ParquetFileSummary {
  int64_t num_rows = 0;
  size_t row_groups = 0;
  size_t dictionary_pages = 0;
  size_t data_pages = 0;
};

// Appends every row of `file` (a whole Parquet file's bytes) to `out`, whose schema must match
// the file's (names and types, in order). Throws ParquetReadError saying what is wrong.
ParquetFileSummary ReadParquet(std::string_view file, RecordBatch& out);

// "" when the two batches hold the same schema and values (nulls included), else the first
// difference ("row 3 column s: 'a' != 'b'").
std::string FirstDifference(const RecordBatch& a, const RecordBatch& b);

}  // namespace bx::parquet::testing
