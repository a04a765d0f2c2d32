#include "format/parquet/parquet_encoder.h"

#include <algorithm>

#include "base/error.h"
#include "format/parquet/metadata.h"

namespace bx {
namespace {

constexpr std::string_view kMagic = "PAR1";
// Rows handed to the column writers at a time, at most: the row group size is checked between
// slices, and slices shrink as the row group nears its byte limit.
constexpr size_t kSliceRows = 16384;
// Slices smaller than this are encoded on the caller's thread alone: handing them over would
// cost more than it saves.
constexpr size_t kParallelRows = 256;

Error Internal(const std::string& what) {
  return Error(ErrorKind::kInternal, "InternalError", "parquet: " + what);
}

parquet::ColumnWriterOptions WriterOptions(const ParquetOptions& o) {
  parquet::ColumnWriterOptions w;
  w.compression = o.compression;
  w.page_bytes = o.page_bytes;
  w.dictionary_bytes = o.dictionary_bytes;
  w.reserve_chunk_bytes = o.row_group_bytes;
  return w;
}

}  // namespace

ParquetEncoder::ParquetEncoder(const Schema& schema, std::unique_ptr<ByteSink> sink,
                               ParquetOptions options)
    : schema_(schema), sink_(std::move(sink)), options_(std::move(options)) {
  if (!sink_) throw Internal("no sink");
  if (options_.row_group_rows == 0) options_.row_group_rows = 1;
  const parquet::ColumnWriterOptions w = WriterOptions(options_);
  columns_.reserve(schema_.fields.size());
  for (const Field& f : schema_.fields) columns_.emplace_back(f, w);
  Append(kMagic);
}

ParquetEncoder::~ParquetEncoder() {
  if (!finished_) Abort();
}

void ParquetEncoder::Append(std::string_view bytes) {
  sink_->Append(bytes);
  file_pos_ += bytes.size();
}

void ParquetEncoder::Add(const RecordBatch& batch, size_t begin, size_t end) {
  if (finished_) throw Internal("Add after Finish");
  if (batch.num_columns() != columns_.size()) throw Internal("batch schema differs");
  if (end > batch.num_rows() || begin > end) throw Internal("row range out of bounds");
  const uint64_t row_bytes =
      std::max<uint64_t>(1, batch.ByteSize() / std::max<size_t>(1, batch.num_rows()));
  uint64_t buffered = BufferedUncompressedBytes();
  while (begin < end) {
    const uint64_t room =
        options_.row_group_bytes > buffered ? options_.row_group_bytes - buffered : 0;
    const size_t n = std::min<uint64_t>({end - begin, options_.row_group_rows - group_rows_,
                                         static_cast<uint64_t>(kSliceRows),
                                         std::max<uint64_t>(64, room / row_bytes + 1)});
    if (order_.empty()) OrderColumns(batch);
    next_column_.store(0, std::memory_order_relaxed);
    if (n < kParallelRows) {
      WriteColumns(lanes_[0], batch, begin, n);
    } else {
      if (!helper_) helper_ = std::make_unique<HelperThread>();
      helper_->Start([this, &batch, begin, n] { WriteColumns(lanes_[1], batch, begin, n); });
      try {
        WriteColumns(lanes_[0], batch, begin, n);
      } catch (...) {
        helper_->Wait();  // not running while the error unwinds the batch it reads
        throw;
      }
      helper_->Wait();
    }
    begin += n;
    group_rows_ += n;
    rows_ += n;
    buffered = BufferedUncompressedBytes();
    if (group_rows_ >= options_.row_group_rows || buffered >= options_.row_group_bytes) {
      FlushRowGroup();
      buffered = 0;
    }
  }
}

void ParquetEncoder::OrderColumns(const RecordBatch& batch) {
  order_.resize(columns_.size());
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
  std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
    return batch.column(a).ByteSize() > batch.column(b).ByteSize();
  });
}

void ParquetEncoder::WriteColumns(Lane& lane, const RecordBatch& batch, size_t begin, size_t n) {
  for (size_t k = next_column_.fetch_add(1, std::memory_order_relaxed); k < order_.size();
       k = next_column_.fetch_add(1, std::memory_order_relaxed)) {
    const size_t i = order_[k];
    size_t from = begin, to = begin + n;
    const Column& column = lane.cleaner.Clean(batch.column(i), from, to);
    columns_[i].Write(column, from, to);
  }
}

uint64_t ParquetEncoder::BufferedUncompressedBytes() const {
  uint64_t n = 0;
  for (const parquet::ColumnWriter& c : columns_) n += c.BufferedUncompressedBytes();
  return n;
}

void ParquetEncoder::FlushRowGroup() {
  if (finished_) throw Internal("FlushRowGroup after Finish");
  if (group_rows_ == 0) return;
  parquet::RowGroupMeta rg;
  rg.num_rows = static_cast<int64_t>(group_rows_);
  rg.file_offset = static_cast<int64_t>(file_pos_);
  rg.ordinal = static_cast<int16_t>(std::min<size_t>(row_groups_.size(), INT16_MAX));
  rg.columns.reserve(columns_.size());
  for (parquet::ColumnWriter& c : columns_) {
    if (c.rows() != group_rows_) throw Internal("column row counts differ");
    const auto start = static_cast<int64_t>(file_pos_);
    parquet::ColumnChunkMeta meta;
    c.FinishChunk([this](std::string_view bytes) { Append(bytes); }, &meta);
    meta.data_page_offset += start;
    if (meta.dictionary_page_offset >= 0) meta.dictionary_page_offset += start;
    rg.total_byte_size += meta.total_uncompressed_size;
    rg.total_compressed_size += meta.total_compressed_size;
    rg.columns.push_back(std::move(meta));
  }
  std::string serialized;
  parquet::CompactWriter w(&serialized);
  w.BeginStruct();  // a scratch struct, so the row group's field ids start afresh
  parquet::AppendRowGroup(w, rg);
  footer_row_groups_bytes_ += serialized.size();
  row_groups_.push_back(std::move(rg));
  group_rows_ = 0;
}

uint64_t ParquetEncoder::EstimatedFileBytes() const {
  // Columns without a compressed page yet are scaled by the ratio of the others.
  uint64_t in = 0, out = 0;
  for (const parquet::ColumnWriter& c : columns_) {
    in += c.body_bytes_uncompressed();
    out += c.body_bytes_compressed();
  }
  const double ratio = in == 0 ? 1.0 : static_cast<double>(out) / static_cast<double>(in);
  uint64_t buffered = 0;
  for (const parquet::ColumnWriter& c : columns_) buffered += c.EstimatedCompressedBytes(ratio);
  // Footer: schema + created_by + key/value metadata, the row groups written, and about 200
  // bytes per column chunk of the open row group (metadata, statistics of up to 2 x 64 bytes).
  uint64_t footer = 64 + 8 + footer_row_groups_bytes_;
  for (const Field& f : schema_.fields) footer += 16 + f.name.size();
  for (const auto& [k, v] : options_.key_value_metadata) footer += 8 + k.size() + v.size();
  if (group_rows_ > 0) footer += 200 * columns_.size();
  return file_pos_ + buffered + footer;
}

void ParquetEncoder::Finish() {
  if (finished_) throw Internal("Finish called twice");
  FlushRowGroup();
  parquet::FileMeta meta;
  meta.schema = &schema_;
  meta.num_rows = static_cast<int64_t>(rows_);
  meta.row_groups = &row_groups_;
  meta.key_value_metadata = &options_.key_value_metadata;
  meta.created_by = std::string("batch-export ") + BX_VERSION;
  std::string footer;
  parquet::AppendFileMetaData(meta, footer);
  const auto len = static_cast<uint32_t>(footer.size());
  footer.append(reinterpret_cast<const char*>(&len), 4);  // little endian
  footer.append(kMagic);
  Append(footer);
  sink_->Finish();
  finished_ = true;
}

void ParquetEncoder::Abort() noexcept {
  finished_ = true;
  sink_->Abort();
}

std::unique_ptr<ParquetEncoder> MakeParquetEncoder(const Schema& schema,
                                                   std::unique_ptr<ByteSink> sink,
                                                   ParquetOptions options) {
  return std::make_unique<ParquetEncoder>(schema, std::move(sink), std::move(options));
}

}  // namespace bx
