#pragma once
// Encodes one column of a row group into a column chunk: data pages v1 (RLE definition levels,
// max level 1, then values) and, for strings, a dictionary page. String chunks start
// dictionary-encoded (RLE_DICTIONARY) and fall back to PLAIN for the rest of the chunk when the
// dictionary would pass its byte limit or when, after the first values, most values are distinct
// (uuid, properties): hashing those only costs time and the dictionary page would not pay off.
// Integers and timestamps are PLAIN little-endian int64, booleans PLAIN bit-packed.
//
// Pages are compressed as soon as they fill, so only compressed pages are kept until the row
// group is written: memory is bounded by one row group (compressed) plus one open page.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/formats.h"
#include "core/record_batch.h"
#include "format/parquet/dictionary.h"
#include "format/parquet/metadata.h"
#include "format/parquet/statistics.h"

namespace bx::parquet {

struct ColumnWriterOptions {
  Compression compression = Compression::kNone;
  uint64_t page_bytes = 1 << 20;        // target uncompressed size of a data page's values
  uint64_t dictionary_bytes = 1 << 20;  // largest dictionary page (PLAIN size) before fallback
  // After this many non-null values of a chunk, fall back to PLAIN unless the dictionary
  // encoding (dictionary page + indices) is at most max_dictionary_size_ratio of the values'
  // PLAIN size: ids drawn from a pool of users repeat often enough over a chunk to pay even when
  // most of the first 8192 are distinct. A first check, after early_check_values, catches the
  // nearly-unique columns (uuids, JSON blobs) before their dictionary costs much.
  uint64_t early_check_values = 1024;
  double early_max_distinct_ratio = 0.9;
  uint64_t cardinality_check_values = 8192;
  double max_dictionary_size_ratio = 0.9;
  // Capacity reserved for a chunk's pages: address space only until written, and it spares the
  // copies of growing the buffer by doubling. Typically the row group size.
  uint64_t reserve_chunk_bytes = 0;
};

class ColumnWriter {
 public:
  ColumnWriter(const Field& field, const ColumnWriterOptions& options);

  // Adds rows [begin, end) of `column`, whose type is the field's.
  void Write(const Column& column, size_t begin, size_t end);

  // The chunk so far, uncompressed, the open page and the dictionary included.
  uint64_t BufferedUncompressedBytes() const;
  // The chunk's compressed size if it were finished now: the open page is scaled by the
  // compression ratio of this column's pages so far, the dictionary by that of its samples
  // (dictionary entries compress far better than the indices of the data pages), either by
  // `default_ratio` before it is known.
  uint64_t EstimatedCompressedBytes(double default_ratio) const;
  // Page bodies written by this writer over the whole file, before and after compression.
  uint64_t body_bytes_uncompressed() const { return file_body_uncompressed_; }
  uint64_t body_bytes_compressed() const { return file_body_compressed_; }
  uint64_t rows() const { return chunk_rows_ + levels_.size(); }
  // The zstd level of this column's pages of values and of dictionary indices; 0 until a page
  // large enough chose.
  int values_zstd_level() const { return zstd_levels_[0]; }
  int indices_zstd_level() const { return zstd_levels_[1]; }

  // Flushes the open page, passes the chunk's bytes to `write` (in file order, possibly in
  // several calls), fills `meta` with offsets relative to the chunk's first byte, and starts a
  // new chunk.
  void FinishChunk(const std::function<void(std::string_view)>& write, ColumnChunkMeta* meta);

  // For tests: whether the current chunk still dictionary-encodes.
  bool dictionary_active() const { return mode_ == Mode::kDictionary; }

 private:
  enum class Mode { kDictionary, kPlain };

  void WriteInts(const Column& c, size_t begin, size_t end);
  void WriteBools(const Column& c, size_t begin, size_t end);
  // Whether the dictionary encoding of the values so far is small enough against PLAIN.
  bool DictionaryPays() const;
  void WriteStringsDictionary(const Column& c, size_t begin, size_t end);
  void WriteStringsPlain(const Column& c, size_t row, size_t end, size_t level_from);
  void FallBackToPlain(const Column& c, size_t row, size_t end, size_t level_from);

  void AppendLevels(const uint8_t* valid, size_t from, size_t to);
  size_t ValueBytes() const { return values_.size() - kHeadroom; }
  // The page size to aim for now: small for the first pages of the file, doubling up to
  // options_.page_bytes, so that the compression ratio (EstimatedCompressedBytes) is known early.
  uint64_t PageLimit() const { return page_limit_; }
  uint64_t OpenPageBytes() const;
  void FlushPage();
  // Compresses the dictionary entries added since the last sample once they reach a size
  // worth measuring, for the dictionary's compression ratio.
  void SampleDictionary();
  void EmitDataPage(std::string_view body, size_t num_values, Encoding enc);
  // The bytes to store for a page body (`indices`: dictionary indices; else values, or the
  // dictionary): `body` itself or its compressed form in the thread's scratch (valid until the
  // thread's next call).
  std::string_view Compress(std::string_view body, bool indices);
  // ZSTD pages: the first page of values, and the first of indices, of at least kZstdTrialBytes
  // is compressed at levels 1 and kDenseZstdPageLevel, and the column keeps the dense level for
  // that kind of page when it saves at least kZstdTrialGainPercent.
  static constexpr size_t kZstdTrialBytes = 256 << 10;
  static constexpr int kZstdTrialGainPercent = 3;
  void ResetChunk();

  // values_ starts with this many spare bytes, so that short definition levels (one RLE run
  // when a page has no nulls) can be put in front of the values without copying them.
  static constexpr size_t kHeadroom = 16;

  Field field_;
  PhysicalType physical_;
  ColumnWriterOptions options_;
  Mode mode_ = Mode::kPlain;
  uint64_t page_limit_;

  // The open page.
  std::vector<uint8_t> levels_;  // definition level (validity byte) per row
  size_t page_nulls_ = 0;
  std::string values_;             // kHeadroom bytes, then PLAIN values (bools: one byte each)
  std::vector<uint32_t> indices_;  // dictionary indices when dictionary-encoding

  // The open chunk.
  StringDictionary dict_;
  bool dict_used_ = false;  // some data page refers to the dictionary
  // The chunk's data pages (headers and compressed bodies) back to back. Like the other
  // buffers it keeps its capacity from one row group to the next: fresh buffers per page would
  // cost a page fault per 4 KiB written.
  std::string pages_;
  uint64_t chunk_rows_ = 0;  // rows in flushed pages
  uint64_t chunk_nulls_ = 0;
  uint64_t chunk_non_null_ = 0;     // non-null values added, open page included
  uint64_t chunk_plain_bytes_ = 0;  // their PLAIN size while the dictionary is active
  uint64_t chunk_uncompressed_ = 0;
  uint64_t chunk_compressed_ = 0;
  int32_t plain_pages_ = 0;
  int32_t dict_pages_ = 0;
  Int64Stats int_stats_;
  StringStats string_stats_;

  // Page bodies of this column over the whole file, for the compression ratio estimate.
  uint64_t file_body_uncompressed_ = 0;
  uint64_t file_body_compressed_ = 0;
  // Dictionary bytes sampled (SampleDictionary) over the whole file, and of the open chunk.
  uint64_t file_dict_sampled_ = 0;
  uint64_t file_dict_sampled_compressed_ = 0;
  uint64_t chunk_dict_sampled_ = 0;

  std::string levels_buf_;
  std::string header_;
  int zstd_levels_[2] = {0, 0};  // values, indices; 0: not chosen yet (the page default)
};

}  // namespace bx::parquet
