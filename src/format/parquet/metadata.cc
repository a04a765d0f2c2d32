#include "format/parquet/metadata.h"

#include "base/error.h"

namespace bx::parquet {
namespace {

// parquet.thrift ConvertedType / FieldRepetitionType values.
constexpr int32_t kConvertedUtf8 = 0;
constexpr int32_t kConvertedTimestampMicros = 10;
constexpr int32_t kOptional = 1;

void AppendSchemaElement(CompactWriter& w, const Field& f) {
  w.ElemStructBegin();
  w.FieldI32(1, static_cast<int32_t>(PhysicalTypeOf(f.type)));
  w.FieldI32(3, kOptional);  // every exported column may be null
  w.FieldBinary(4, f.name);
  switch (f.type) {
    case ColumnType::kString:
    case ColumnType::kJson:
      // LogicalType STRING, with the ConvertedType the spec pairs with it (UTF8).
      w.FieldI32(6, kConvertedUtf8);
      w.FieldStructBegin(10);
      w.FieldStructBegin(1);  // StringType {}
      w.EndStruct();
      w.EndStruct();
      break;
    case ColumnType::kTimestamp:
      w.FieldI32(6, kConvertedTimestampMicros);
      w.FieldStructBegin(10);
      w.FieldStructBegin(8);  // TimestampType
      w.FieldBool(1, true);   // isAdjustedToUTC
      w.FieldStructBegin(2);  // unit: TimeUnit
      w.FieldStructBegin(2);  // MICROS: MicroSeconds {}
      w.EndStruct();
      w.EndStruct();
      w.EndStruct();
      w.EndStruct();
      break;
    case ColumnType::kInt64:
    case ColumnType::kBool:
      break;
  }
  w.EndStruct();
}

void AppendColumnMeta(CompactWriter& w, const ColumnChunkMeta& c) {
  w.FieldI32(1, static_cast<int32_t>(c.type));
  w.FieldListBegin(2, ThriftType::kI32, c.encodings.size());
  for (Encoding e : c.encodings) w.ElemI32(static_cast<int32_t>(e));
  w.FieldListBegin(3, ThriftType::kBinary, 1);
  w.ElemBinary(c.path);
  w.FieldI32(4, static_cast<int32_t>(c.codec));
  w.FieldI64(5, c.num_values);
  w.FieldI64(6, c.total_uncompressed_size);
  w.FieldI64(7, c.total_compressed_size);
  w.FieldI64(9, c.data_page_offset);
  if (c.dictionary_page_offset >= 0) w.FieldI64(11, c.dictionary_page_offset);
  WriteStatistics(w, 12, c.statistics);
  w.FieldListBegin(13, ThriftType::kStruct, c.encoding_stats.size());
  for (const PageEncodingCount& s : c.encoding_stats) {
    w.ElemStructBegin();
    w.FieldI32(1, static_cast<int32_t>(s.page_type));
    w.FieldI32(2, static_cast<int32_t>(s.encoding));
    w.FieldI32(3, s.count);
    w.EndStruct();
  }
}

}  // namespace

PhysicalType PhysicalTypeOf(ColumnType t) {
  switch (t) {
    case ColumnType::kString:
    case ColumnType::kJson:
      return PhysicalType::kByteArray;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return PhysicalType::kInt64;
    case ColumnType::kBool:
      return PhysicalType::kBoolean;
  }
  throw Error(ErrorKind::kInternal, "InternalError", "parquet: unknown column type");
}

CompressionCodec CodecOf(Compression c) {
  switch (c) {
    case Compression::kNone:
      return CompressionCodec::kUncompressed;
    case Compression::kSnappy:
      return CompressionCodec::kSnappy;
    case Compression::kGzip:
      return CompressionCodec::kGzip;
    case Compression::kBrotli:
      return CompressionCodec::kBrotli;
    case Compression::kZstd:
      return CompressionCodec::kZstd;
    // Compression::kLz4 is a raw LZ4 block per page: the LZ4_RAW codec, not the deprecated
    // Hadoop-framed LZ4.
    case Compression::kLz4:
      return CompressionCodec::kLz4Raw;
  }
  throw Error(ErrorKind::kInternal, "InternalError", "parquet: unknown compression");
}

void AppendDataPageHeader(int32_t uncompressed_size, int32_t compressed_size, int32_t num_values,
                          Encoding encoding, std::string& out) {
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, static_cast<int32_t>(PageType::kDataPage));
  w.FieldI32(2, uncompressed_size);
  w.FieldI32(3, compressed_size);
  w.FieldStructBegin(5);
  w.FieldI32(1, num_values);
  w.FieldI32(2, static_cast<int32_t>(encoding));
  w.FieldI32(3, static_cast<int32_t>(Encoding::kRle));  // definition levels
  w.FieldI32(4, static_cast<int32_t>(Encoding::kRle));  // repetition levels (none: max level 0)
  w.EndStruct();
  w.EndStruct();
}

void AppendDictionaryPageHeader(int32_t uncompressed_size, int32_t compressed_size,
                                int32_t num_values, std::string& out) {
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, static_cast<int32_t>(PageType::kDictionaryPage));
  w.FieldI32(2, uncompressed_size);
  w.FieldI32(3, compressed_size);
  w.FieldStructBegin(7);
  w.FieldI32(1, num_values);
  w.FieldI32(2, static_cast<int32_t>(Encoding::kPlain));  // PLAIN in a dictionary page
  w.EndStruct();
  w.EndStruct();
}

void AppendRowGroup(CompactWriter& w, const RowGroupMeta& rg) {
  w.ElemStructBegin();
  w.FieldListBegin(1, ThriftType::kStruct, rg.columns.size());
  for (const ColumnChunkMeta& c : rg.columns) {
    w.ElemStructBegin();
    w.FieldI64(2, 0);  // file_offset: deprecated, "writers should set this field to 0"
    w.FieldStructBegin(3);
    AppendColumnMeta(w, c);
    w.EndStruct();
    w.EndStruct();
  }
  w.FieldI64(2, rg.total_byte_size);
  w.FieldI64(3, rg.num_rows);
  w.FieldI64(5, rg.file_offset);
  w.FieldI64(6, rg.total_compressed_size);
  w.FieldI16(7, rg.ordinal);
  w.EndStruct();
}

void AppendFileMetaData(const FileMeta& meta, std::string& out) {
  const Schema& schema = *meta.schema;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 1);  // version: "writers should always populate 1"
  w.FieldListBegin(2, ThriftType::kStruct, schema.fields.size() + 1);
  w.ElemStructBegin();  // the root: a group with no repetition type
  w.FieldBinary(4, "schema");
  w.FieldI32(5, static_cast<int32_t>(schema.fields.size()));
  w.EndStruct();
  for (const Field& f : schema.fields) AppendSchemaElement(w, f);
  w.FieldI64(3, meta.num_rows);
  w.FieldListBegin(4, ThriftType::kStruct, meta.row_groups->size());
  for (const RowGroupMeta& rg : *meta.row_groups) AppendRowGroup(w, rg);
  if (meta.key_value_metadata && !meta.key_value_metadata->empty()) {
    w.FieldListBegin(5, ThriftType::kStruct, meta.key_value_metadata->size());
    for (const auto& [k, v] : *meta.key_value_metadata) {
      w.ElemStructBegin();
      w.FieldBinary(1, k);
      w.FieldBinary(2, v);
      w.EndStruct();
    }
  }
  w.FieldBinary(6, meta.created_by);
  // Without column_orders the meaning of min_value/max_value is undefined (parquet.thrift).
  w.FieldListBegin(7, ThriftType::kStruct, schema.fields.size());
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    w.ElemStructBegin();
    w.FieldStructBegin(1);  // TYPE_ORDER: TypeDefinedOrder {}
    w.EndStruct();
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace bx::parquet
