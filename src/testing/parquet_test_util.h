#pragma once
// Test helpers: deterministic data, writing files, running the independent readers in
// tools/node (DuckDB, hyparquet) and comparing what they read with the source RecordBatch.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/formats.h"
#include "core/record_batch.h"
#include "format/parquet/parquet_encoder.h"

namespace bx::parquet::testing {

// One column of each type: s (string), j (json), i (int64), t (timestamp), b (bool).
const Schema& AllTypesSchema();

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9e3779b97f4a7c15ull + 1) {}
  uint64_t Next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t s_;
};

// Appends `n` event rows (FileSchema(kEvents)) in the shape of real exports: uuid, 8 event
// names, 200k distinct ids, ~`properties_bytes` of JSON properties, increasing timestamps.
// Every `null_every`-th value of each nullable column is null (0: none).
void AppendEvents(RecordBatch& batch, size_t n, uint64_t seed, size_t properties_bytes = 300,
                  size_t null_every = 0);

// Writes `batch` to `path`, adding it `add_rows` rows at a time (0: all at once).
void WriteParquet(const std::filesystem::path& path, const RecordBatch& batch,
                  const ParquetOptions& options, size_t add_rows = 0);

// A scratch directory for this test binary, created on first use.
std::filesystem::path ScratchDir();

// Empty when tools/node/node_modules holds the readers; else what to run.
std::string NodeModulesProblem();
// Runs `node tools/node/<script> files...`; empty on success, else the exit status and output.
std::string RunNodeScript(const std::string& script, const std::vector<std::string>& files);
// Runs both readers (parquet_dump.mjs, parquet_dump_hyparquet.mjs) over `files`, concurrently.
std::string RunReaders(const std::vector<std::string>& files);

// Compares every value of `<parquet>.<reader>.rows.ndjson` with `batch`.
::testing::AssertionResult RowsMatch(const std::string& ndjson, const RecordBatch& batch);
// RowsMatch for both readers' output of `parquet`, in parallel.
::testing::AssertionResult BothReadersRowsMatch(const std::string& parquet,
                                                const RecordBatch& batch);
// Checks DuckDB's view of the file: types (physical, logical, converted, DuckDB's), OPTIONAL
// everywhere, codec, created_by, key/value metadata, row counts and per-row-group statistics.
::testing::AssertionResult DuckDbMetadataMatches(const std::string& meta_json,
                                                 const RecordBatch& batch,
                                                 const ParquetOptions& options);
// Checks hyparquet's view: row count, types, logical types, codec of every column chunk.
::testing::AssertionResult HyparquetMetadataMatches(const std::string& meta_json,
                                                    const RecordBatch& batch,
                                                    const ParquetOptions& options);

std::string ParquetCodecName(Compression c);  // as readers print it: "ZSTD", "LZ4_RAW", ...

}  // namespace bx::parquet::testing
