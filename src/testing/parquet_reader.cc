#include "testing/parquet_reader.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "base/error.h"
#include "compress/block_codec.h"
#include "core/formats.h"

namespace bx::parquet::testing {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw ParquetReadError("parquet: " + what); }

// ---- Thrift compact protocol, decoded into a generic tree ------------------------------------

struct TValue {
  int type = 0;  // compact type id; bools are 1 (true) or 2 (false)
  int64_t i = 0;
  std::string bin;
  std::vector<TValue> list;
  std::map<int16_t, TValue> fields;

  const TValue* Field(int16_t id) const {
    auto it = fields.find(id);
    return it == fields.end() ? nullptr : &it->second;
  }
  const TValue& Need(int16_t id, const char* what) const {
    const TValue* v = Field(id);
    if (!v) Fail(std::string("missing field ") + what);
    return *v;
  }
};

class CompactReader {
 public:
  explicit CompactReader(std::string_view in) : in_(in) {}
  size_t pos() const { return pos_; }

  TValue Struct(int depth = 0) {
    if (depth > 32) Fail("thrift structs nested too deep");
    TValue s;
    s.type = 12;
    int16_t last = 0;
    for (;;) {
      const uint8_t header = Byte();
      if (header == 0) return s;
      const int type = header & 0x0F;
      const int delta = header >> 4;
      const int16_t id =
          delta ? static_cast<int16_t>(last + delta) : static_cast<int16_t>(UnZigZag(Varint()));
      last = id;
      TValue v = Value(type, depth, /*in_list=*/false);
      if (!s.fields.emplace(id, std::move(v)).second) Fail("a thrift field repeated");
    }
  }

 private:
  TValue Value(int type, int depth, bool in_list) {
    TValue v;
    v.type = type;
    switch (type) {
      case 1:
      case 2:
        if (in_list) v.type = Byte() == 1 ? 1 : 2;
        v.i = v.type == 1;
        return v;
      case 3:
        v.i = static_cast<int8_t>(Byte());
        return v;
      case 4:
      case 5:
      case 6:
        v.i = UnZigZag(Varint());
        return v;
      case 7:
        Take(8);
        return v;
      case 8: {
        const uint64_t n = Varint();
        v.bin = std::string(Take(n));
        return v;
      }
      case 9:
      case 10: {
        const uint8_t h = Byte();
        uint64_t n = h >> 4;
        if (n == 15) n = Varint();
        const int elem = h & 0x0F;
        if (n > in_.size()) Fail("a thrift list longer than the file");
        for (uint64_t k = 0; k < n; ++k) v.list.push_back(Value(elem, depth + 1, true));
        return v;
      }
      case 11: {
        const uint64_t n = Varint();
        if (n == 0) return v;
        const uint8_t kv = Byte();
        if (n > in_.size()) Fail("a thrift map longer than the file");
        for (uint64_t k = 0; k < n; ++k) {
          v.list.push_back(Value(kv >> 4, depth + 1, true));
          v.list.push_back(Value(kv & 0x0F, depth + 1, true));
        }
        return v;
      }
      case 12:
        return Struct(depth + 1);
      default:
        Fail("unknown thrift type " + std::to_string(type));
    }
  }

  uint8_t Byte() {
    if (pos_ >= in_.size()) Fail("thrift data ends early");
    return static_cast<uint8_t>(in_[pos_++]);
  }
  std::string_view Take(uint64_t n) {
    if (n > in_.size() - pos_) Fail("thrift data ends early");
    const std::string_view out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    Fail("a thrift varint longer than 10 bytes");
  }
  static int64_t UnZigZag(uint64_t v) {
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }

  std::string_view in_;
  size_t pos_ = 0;
};

// ---- Encodings -------------------------------------------------------------------------------

uint32_t Le32(std::string_view s, size_t at) {
  if (at + 4 > s.size()) Fail("a 4-byte length past the end of its page");
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}

// Decodes `n` values of the RLE / bit-packing hybrid from `in` (Encodings.md, RLE = 3).
std::vector<uint32_t> DecodeHybrid(std::string_view in, int bit_width, size_t n) {
  if (bit_width < 0 || bit_width > 32) Fail("a bit width over 32");
  std::vector<uint32_t> out;
  out.reserve(n);
  size_t pos = 0;
  auto varint = [&] {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= in.size()) Fail("RLE data ends early");
      const uint8_t b = static_cast<uint8_t>(in[pos++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    Fail("an RLE varint longer than 10 bytes");
  };
  while (out.size() < n) {
    const uint64_t header = varint();
    if (header & 1) {  // bit-packed groups of 8
      const uint64_t values = (header >> 1) * 8;
      const uint64_t bytes = (header >> 1) * static_cast<uint64_t>(bit_width);
      if (values == 0) Fail("an empty bit-packed run");
      if (bytes > in.size() - pos) Fail("a bit-packed run past the end of its data");
      for (uint64_t k = 0; k < values && out.size() < n; ++k) {
        uint32_t v = 0;
        for (int bit = 0; bit < bit_width; ++bit) {
          const uint64_t at = k * bit_width + bit;
          if ((static_cast<uint8_t>(in[pos + at / 8]) >> (at % 8)) & 1) v |= 1u << bit;
        }
        out.push_back(v);
      }
      pos += bytes;
    } else {
      const uint64_t count = header >> 1;
      const size_t width = (bit_width + 7) / 8;
      if (count == 0) Fail("an empty RLE run");
      if (width > in.size() - pos) Fail("an RLE run past the end of its data");
      uint32_t v = 0;
      for (size_t b = 0; b < width; ++b)
        v |= static_cast<uint32_t>(static_cast<uint8_t>(in[pos + b])) << (8 * b);
      pos += width;
      if (bit_width < 32 && v >> bit_width) Fail("an RLE value wider than its bit width");
      if (count > n - out.size()) Fail("an RLE run longer than the values left");
      out.insert(out.end(), count, v);
    }
  }
  return out;
}

Compression CompressionOf(int64_t codec) {
  switch (codec) {
    case 0:
      return Compression::kNone;
    case 1:
      return Compression::kSnappy;
    case 2:
      return Compression::kGzip;
    case 4:
      return Compression::kBrotli;
    case 6:
      return Compression::kZstd;
    case 7:
      return Compression::kLz4;
    default:
      Fail("unsupported codec " + std::to_string(codec));
  }
}

int PhysicalOf(ColumnType t) {
  switch (t) {
    case ColumnType::kString:
    case ColumnType::kJson:
      return 6;  // BYTE_ARRAY
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return 2;  // INT64
    case ColumnType::kBool:
      return 0;  // BOOLEAN
  }
  return -1;
}

// PLAIN values of one column type, read one at a time.
class PlainValues {
 public:
  PlainValues(std::string_view in, int physical) : in_(in), physical_(physical) {}
  void AppendTo(Column& c) {
    if (physical_ == 6) {
      const uint32_t n = Le32(in_, pos_);
      if (n > in_.size() - pos_ - 4) Fail("a BYTE_ARRAY value past the end of its page");
      c.AppendString(in_.substr(pos_ + 4, n));
      pos_ += 4 + n;
    } else if (physical_ == 2) {
      if (8 > in_.size() - pos_) Fail("an INT64 value past the end of its page");
      int64_t v;
      std::memcpy(&v, in_.data() + pos_, 8);
      c.AppendInt(v);
      pos_ += 8;
    } else {
      if (bit_ / 8 >= in_.size()) Fail("a BOOLEAN value past the end of its page");
      c.AppendBool((static_cast<uint8_t>(in_[bit_ / 8]) >> (bit_ % 8)) & 1);
      ++bit_;
    }
  }
  std::string_view String() {  // BYTE_ARRAY only, for dictionaries
    const uint32_t n = Le32(in_, pos_);
    if (n > in_.size() - pos_ - 4) Fail("a dictionary value past the end of its page");
    const std::string_view v = in_.substr(pos_ + 4, n);
    pos_ += 4 + n;
    return v;
  }
  bool AtEnd() const { return physical_ == 0 ? (bit_ + 7) / 8 == in_.size() : pos_ == in_.size(); }

 private:
  std::string_view in_;
  int physical_;
  size_t pos_ = 0;
  size_t bit_ = 0;
};

void ReadChunk(std::string_view file, const TValue& meta, int physical, int64_t rows, Column& out,
               ParquetFileSummary& summary) {
  if (meta.Need(1, "ColumnMetaData.type").i != physical) Fail("a column chunk of another type");
  const Compression codec = CompressionOf(meta.Need(4, "ColumnMetaData.codec").i);
  const int64_t num_values = meta.Need(5, "ColumnMetaData.num_values").i;
  if (num_values != rows) Fail("a column chunk's num_values is not the row group's num_rows");
  const int64_t compressed_size = meta.Need(7, "ColumnMetaData.total_compressed_size").i;
  const int64_t data_offset = meta.Need(9, "ColumnMetaData.data_page_offset").i;
  const TValue* dict_offset = meta.Field(11);
  const int64_t start = dict_offset ? dict_offset->i : data_offset;
  if (start < 4 || compressed_size < 0 ||
      static_cast<uint64_t>(start) + static_cast<uint64_t>(compressed_size) > file.size()) {
    Fail("a column chunk outside the file");
  }
  const std::string_view chunk = file.substr(start, compressed_size);
  std::vector<std::string> dictionary;
  bool have_dictionary = false;
  size_t pos = 0;
  int64_t values_read = 0;
  std::string body;
  while (values_read < num_values) {
    if (pos >= chunk.size()) Fail("a column chunk ends before its values");
    if (!have_dictionary && dict_offset == nullptr && pos == 0 &&
        static_cast<int64_t>(start) != data_offset) {
      Fail("data_page_offset is not the chunk's first page");
    }
    CompactReader r(chunk.substr(pos));
    const TValue header = r.Struct();
    pos += r.pos();
    const int64_t type = header.Need(1, "PageHeader.type").i;
    const int64_t raw_size = header.Need(2, "PageHeader.uncompressed_page_size").i;
    const int64_t stored_size = header.Need(3, "PageHeader.compressed_page_size").i;
    if (stored_size < 0 || raw_size < 0 ||
        static_cast<uint64_t>(stored_size) > chunk.size() - pos) {
      Fail("a page past the end of its column chunk");
    }
    if (raw_size > (1ll << 30)) Fail("a page over 1 GiB");
    body.clear();
    try {
      DecompressBlock(codec, chunk.substr(pos, stored_size), raw_size, body);
    } catch (const Error& e) {
      Fail("a page does not decompress: " + e.message());
    }
    pos += stored_size;
    if (body.size() != static_cast<uint64_t>(raw_size)) Fail("a page of the wrong size");
    if (type == 2) {  // DICTIONARY_PAGE
      if (have_dictionary || values_read > 0) Fail("a dictionary page after the first page");
      if (physical != 6) Fail("a dictionary page for a column that is not BYTE_ARRAY");
      const TValue& dh = header.Need(7, "PageHeader.dictionary_page_header");
      const int64_t n = dh.Need(1, "DictionaryPageHeader.num_values").i;
      const int64_t enc = dh.Need(2, "DictionaryPageHeader.encoding").i;
      if (enc != 0 && enc != 2) Fail("a dictionary page that is not PLAIN");
      if (n < 0 || static_cast<uint64_t>(n) > body.size() / 4) Fail("a dictionary too long");
      PlainValues plain(body, 6);
      for (int64_t k = 0; k < n; ++k) dictionary.emplace_back(plain.String());
      if (!plain.AtEnd()) Fail("bytes after the dictionary's values");
      have_dictionary = true;
      ++summary.dictionary_pages;
      continue;
    }
    if (type != 0) Fail("a page type other than DATA_PAGE and DICTIONARY_PAGE");
    ++summary.data_pages;
    const TValue& dp = header.Need(5, "PageHeader.data_page_header");
    const int64_t n = dp.Need(1, "DataPageHeader.num_values").i;
    const int64_t enc = dp.Need(2, "DataPageHeader.encoding").i;
    if (dp.Need(3, "DataPageHeader.definition_level_encoding").i != 3) {
      Fail("definition levels not RLE");
    }
    if (n <= 0 || n > num_values - values_read) Fail("a data page with a bad value count");
    // Definition levels (max level 1, so bit width 1) with a 4-byte length; no repetition levels.
    const uint32_t levels_size = Le32(body, 0);
    if (levels_size > body.size() - 4) Fail("definition levels past the end of the page");
    const std::vector<uint32_t> levels =
        DecodeHybrid(std::string_view(body).substr(4, levels_size), 1, n);
    const std::string_view values = std::string_view(body).substr(4 + levels_size);
    size_t present = 0;
    for (uint32_t l : levels) present += l;
    if (enc == 0) {
      PlainValues plain(values, physical);
      for (uint32_t l : levels) l ? plain.AppendTo(out) : out.AppendNull();
      if (!plain.AtEnd()) Fail("bytes after a data page's values");
    } else if (enc == 8 || enc == 2) {  // RLE_DICTIONARY (or PLAIN_DICTIONARY)
      if (!have_dictionary) Fail("dictionary indices without a dictionary page");
      if (values.empty()) {
        if (present) Fail("a dictionary-encoded page without a bit width");
        for (size_t k = 0; k < levels.size(); ++k) out.AppendNull();
      } else {
        const int width = static_cast<uint8_t>(values[0]);
        const std::vector<uint32_t> idx = DecodeHybrid(values.substr(1), width, present);
        size_t next = 0;
        for (uint32_t l : levels) {
          if (!l) {
            out.AppendNull();
            continue;
          }
          if (idx[next] >= dictionary.size()) Fail("a dictionary index out of range");
          out.AppendString(dictionary[idx[next++]]);
        }
      }
    } else {
      Fail("unsupported data page encoding " + std::to_string(enc));
    }
    values_read += n;
  }
  if (pos != chunk.size()) Fail("bytes after a column chunk's last page");
}

}  // namespace

ParquetFileSummary ReadParquet(std::string_view file, RecordBatch& out) {
  if (file.size() < 12 || file.substr(0, 4) != "PAR1" || file.substr(file.size() - 4) != "PAR1") {
    Fail("no PAR1 magic at both ends");
  }
  const uint32_t footer_size = Le32(file, file.size() - 8);
  if (footer_size > file.size() - 12) Fail("a footer longer than the file");
  const std::string_view footer = file.substr(file.size() - 8 - footer_size, footer_size);
  CompactReader r(footer);
  const TValue meta = r.Struct();
  if (r.pos() != footer.size()) Fail("bytes after FileMetaData in the footer");

  const Schema& schema = out.schema();
  const std::vector<TValue>& elements = meta.Need(2, "FileMetaData.schema").list;
  if (elements.size() != schema.fields.size() + 1) Fail("the file has another number of columns");
  if (elements[0].Need(5, "root num_children").i != static_cast<int64_t>(schema.fields.size())) {
    Fail("the root's num_children is not the column count");
  }
  for (size_t c = 0; c < schema.fields.size(); ++c) {
    const TValue& e = elements[c + 1];
    if (e.Need(4, "SchemaElement.name").bin != schema.fields[c].name) {
      Fail("column " + std::to_string(c) + " is not named " + schema.fields[c].name);
    }
    if (e.Need(1, "SchemaElement.type").i != PhysicalOf(schema.fields[c].type)) {
      Fail("column " + schema.fields[c].name + " has another physical type");
    }
    if (e.Need(3, "SchemaElement.repetition_type").i != 1) {
      Fail("column " + schema.fields[c].name + " is not OPTIONAL");
    }
  }

  ParquetFileSummary summary;
  summary.num_rows = meta.Need(3, "FileMetaData.num_rows").i;
  const std::vector<TValue>& groups = meta.Need(4, "FileMetaData.row_groups").list;
  summary.row_groups = groups.size();
  int64_t rows = 0;
  const size_t before = out.num_rows();
  for (const TValue& group : groups) {
    const int64_t group_rows = group.Need(3, "RowGroup.num_rows").i;
    const std::vector<TValue>& chunks = group.Need(1, "RowGroup.columns").list;
    if (chunks.size() != schema.fields.size()) Fail("a row group with another column count");
    for (size_t c = 0; c < chunks.size(); ++c) {
      const TValue& md = chunks[c].Need(3, "ColumnChunk.meta_data");
      const std::vector<TValue>& path = md.Need(3, "ColumnMetaData.path_in_schema").list;
      if (path.size() != 1 || path[0].bin != schema.fields[c].name) {
        Fail("a column chunk's path is not its column's name");
      }
      ReadChunk(file, md, PhysicalOf(schema.fields[c].type), group_rows, out.column(c), summary);
    }
    rows += group_rows;
  }
  if (rows != summary.num_rows) Fail("num_rows is not the sum of the row groups' rows");
  if (out.num_rows() - before != static_cast<size_t>(rows)) Fail("columns of unequal length");
  return summary;
}

std::string FirstDifference(const RecordBatch& a, const RecordBatch& b) {
  if (a.num_columns() != b.num_columns()) return "another number of columns";
  if (a.num_rows() != b.num_rows()) {
    return std::to_string(a.num_rows()) + " rows != " + std::to_string(b.num_rows()) + " rows";
  }
  for (size_t c = 0; c < a.num_columns(); ++c) {
    const Column& x = a.column(c);
    const Column& y = b.column(c);
    if (x.type() != y.type()) return "column " + std::to_string(c) + ": another type";
    for (size_t row = 0; row < x.size(); ++row) {
      const std::string where =
          "row " + std::to_string(row) + " column " + a.schema().fields[c].name;
      if (x.IsNull(row) != y.IsNull(row)) return where + ": null in one only";
      if (x.IsNull(row)) continue;
      const bool binary = x.type() == ColumnType::kString || x.type() == ColumnType::kJson;
      if (binary && x.String(row) != y.String(row)) {
        return where + ": '" + std::string(x.String(row)) + "' != '" + std::string(y.String(row)) +
               "'";
      }
      if (!binary && x.Int(row) != y.Int(row)) {
        return where + ": " + std::to_string(x.Int(row)) + " != " + std::to_string(y.Int(row));
      }
    }
  }
  return "";
}

}  // namespace bx::parquet::testing
