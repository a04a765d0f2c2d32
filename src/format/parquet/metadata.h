#pragma once
// The Parquet structures we write (parquet.thrift), as plain structs, and their serialization
// with the compact protocol: page headers and the footer's FileMetaData.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/formats.h"
#include "core/record_batch.h"
#include "format/parquet/statistics.h"

namespace bx::parquet {

// parquet.thrift enum values.
enum class PhysicalType : int32_t { kBoolean = 0, kInt64 = 2, kByteArray = 6 };
enum class Encoding : int32_t { kPlain = 0, kRle = 3, kRleDictionary = 8 };
enum class PageType : int32_t { kDataPage = 0, kDictionaryPage = 2 };
enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kBrotli = 4,
  kZstd = 6,
  kLz4Raw = 7,
};

PhysicalType PhysicalTypeOf(ColumnType t);
CompressionCodec CodecOf(Compression c);

// A data page v1 header: `num_values` counts nulls too; levels are RLE.
void AppendDataPageHeader(int32_t uncompressed_size, int32_t compressed_size, int32_t num_values,
                          Encoding encoding, std::string& out);
void AppendDictionaryPageHeader(int32_t uncompressed_size, int32_t compressed_size,
                                int32_t num_values, std::string& out);

struct PageEncodingCount {
  PageType page_type;
  Encoding encoding;
  int32_t count;
};

struct ColumnChunkMeta {
  PhysicalType type = PhysicalType::kInt64;
  std::vector<Encoding> encodings;  // each once
  std::string path;                 // the column name (a flat schema)
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // pages including their headers
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  int64_t dictionary_page_offset = -1;  // -1: no dictionary page
  EncodedStatistics statistics;
  std::vector<PageEncodingCount> encoding_stats;
};

struct RowGroupMeta {
  std::vector<ColumnChunkMeta> columns;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t num_rows = 0;
  int64_t file_offset = 0;
  int64_t total_compressed_size = 0;
  int16_t ordinal = 0;
};

void AppendRowGroup(CompactWriter& w, const RowGroupMeta& rg);

struct FileMeta {
  const Schema* schema = nullptr;
  int64_t num_rows = 0;
  const std::vector<RowGroupMeta>* row_groups = nullptr;
  const std::map<std::string, std::string>* key_value_metadata = nullptr;
  std::string created_by;
};

// Serializes FileMetaData (without the trailing length and magic).
void AppendFileMetaData(const FileMeta& meta, std::string& out);

}  // namespace bx::parquet
