#pragma once
// The Parquet encoder: buffers one row group of column chunks (pages compressed as they fill),
// writes it when it reaches row_group_bytes (uncompressed) or row_group_rows, and writes the
// footer on Finish(). Every column is OPTIONAL; see metadata.cc for the type mapping.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/helper_thread.h"
#include "core/formats.h"
#include "format/encoder.h"
#include "format/parquet/column_writer.h"
#include "format/value_cleaning.h"

namespace bx {

struct ParquetOptions {
  Compression compression = Compression::kNone;
  // Uncompressed. A row group is held, compressed, until it is written: at 80 MiB about 123k
  // events (DuckDB writes 122,880 rows) and 15 MB; at 128 MiB they were 196k and 25 MB, for
  // files only 1 % smaller (issue #19's memory goal: peak anonymous RSS within 64 MiB).
  uint64_t row_group_bytes = 80ull << 20;
  uint64_t row_group_rows = 1'000'000;
  uint64_t page_bytes = 1ull << 20;
  std::map<std::string, std::string> key_value_metadata;
  // Dictionary fallback limits of string columns (see column_writer.h). 8 MiB holds a row
  // group's person properties and most of its ids: 4.6 % smaller files than 1 MiB for 1M events,
  // at the same CPU (issue #19's note).
  uint64_t dictionary_bytes = 8ull << 20;
};

class ParquetEncoder : public Encoder {
 public:
  // Writes the leading magic to `sink` at once.
  ParquetEncoder(const Schema& schema, std::unique_ptr<ByteSink> sink, ParquetOptions options);
  ~ParquetEncoder() override;

  void Add(const RecordBatch& batch, size_t begin, size_t end) override;
  uint64_t EstimatedFileBytes() const override;
  void Finish() override;
  void Abort() noexcept override;
  uint64_t rows() const override { return rows_; }
  uint64_t repaired_values() const override {
    return lanes_[0].cleaner.repaired() + lanes_[1].cleaner.repaired();
  }

  // Writes the buffered row group now (no-op when it is empty), so that the file can be cut at
  // a size close to the rotator's limit.
  void FlushRowGroup();
  size_t row_groups() const { return row_groups_.size(); }

 private:
  uint64_t BufferedUncompressedBytes() const;
  void Append(std::string_view bytes);
  // The columns by the bytes they take in `batch`, largest first: the order they are claimed in.
  void OrderColumns(const RecordBatch& batch);
  // Claims columns one at a time (next_column_) and encodes rows [begin, begin + n) of each.
  struct Lane;
  void WriteColumns(Lane& lane, const RecordBatch& batch, size_t begin, size_t n);

  const Schema& schema_;
  std::unique_ptr<ByteSink> sink_;
  ParquetOptions options_;
  std::vector<parquet::ColumnWriter> columns_;
  // The columns are encoded (cleaned, paged, compressed) in two lanes at once, the caller's
  // thread and a helper, each claiming the next column of order_ until none is left: the
  // largest first, so that the lanes end close together however the costs per byte differ
  // (dictionary hashing, JSON checks, compression). A column is written by one lane per slice
  // and columns are independent, so the file is the same bytes whichever lane wrote what.
  struct Lane {
    ColumnCleaner cleaner;
  };
  Lane lanes_[2];
  std::vector<size_t> order_;
  std::atomic<size_t> next_column_{0};
  std::unique_ptr<HelperThread> helper_;  // runs lanes_[1]; made with the first large slice
  std::vector<parquet::RowGroupMeta> row_groups_;
  uint64_t group_rows_ = 0;
  uint64_t rows_ = 0;
  uint64_t file_pos_ = 0;
  uint64_t footer_row_groups_bytes_ = 0;  // serialized size of row_groups_ in the footer
  bool finished_ = false;
};

std::unique_ptr<ParquetEncoder> MakeParquetEncoder(const Schema& schema,
                                                   std::unique_ptr<ByteSink> sink,
                                                   ParquetOptions options);

}  // namespace bx
