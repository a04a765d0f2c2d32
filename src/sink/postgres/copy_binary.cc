#include "sink/postgres/copy_binary.h"

#include <fmt/format.h>

#include <optional>

#include "base/error.h"

namespace bx {
namespace {

// PostgreSQL's epoch, 2000-01-01T00:00:00Z, in Unix microseconds.
constexpr int64_t kPostgresEpochMicros = 946684800LL * 1000000;

template <typename T>
void AppendBigEndian(T value, std::string& out) {
  for (int shift = 8 * (sizeof(T) - 1); shift >= 0; shift -= 8) {
    out += static_cast<char>((static_cast<uint64_t>(value) >> shift) & 0xFF);
  }
}

void PatchLength(std::string& out, size_t at) {
  const auto length = static_cast<uint32_t>(out.size() - at - 4);
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>(length >> (8 * (3 - i)));
}

}  // namespace

bool CopyBinaryEncoder::Supports(const Schema& schema, const std::vector<CopyColumn>& columns) {
  for (const CopyColumn& c : columns) {
    const std::string& t = c.type;
    bool ok = false;
    switch (schema.fields[c.index].type) {
      case ColumnType::kString:
      case ColumnType::kJson:
        ok = t == "text" || t == "varchar" || t == "bpchar" || t == "json" || t == "jsonb";
        break;
      case ColumnType::kInt64:
        ok = t == "int2" || t == "int4" || t == "int8";
        break;
      case ColumnType::kTimestamp:
        ok = t == "timestamptz" || t == "timestamp";
        break;
      case ColumnType::kBool:
        ok = t == "bool";
        break;
    }
    if (!ok) return false;
  }
  return true;
}

CopyBinaryEncoder::CopyBinaryEncoder(const Schema& schema, std::vector<CopyColumn> columns)
    : schema_(schema), columns_(std::move(columns)) {
  for (const CopyColumn& c : columns_) {
    wires_.push_back(c.type == "jsonb"         ? Wire::kJsonb
                     : c.type == "int2"        ? Wire::kInt2
                     : c.type == "int4"        ? Wire::kInt4
                     : c.type == "int8"        ? Wire::kInt8
                     : c.type == "timestamptz" ? Wire::kTimestamp
                     : c.type == "timestamp"   ? Wire::kTimestamp
                     : c.type == "bool"        ? Wire::kBool
                                               : Wire::kText);
  }
}

void CopyBinaryEncoder::Begin(std::string& out) {
  out.append("PGCOPY\n\xff\r\n\0", 11);
  AppendBigEndian<int32_t>(0, out);  // flags: no OIDs
  AppendBigEndian<int32_t>(0, out);  // no header extension
}

void CopyBinaryEncoder::End(std::string& out) { AppendBigEndian<int16_t>(-1, out); }

void CopyBinaryEncoder::Append(const RecordBatch& batch, std::string& out) {
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    AppendBigEndian<int16_t>(static_cast<int16_t>(columns_.size()), out);
    for (size_t i = 0; i < columns_.size(); ++i) {
      const Column& column = batch.column(columns_[i].index);
      if (column.IsNull(row)) {
        AppendBigEndian<int32_t>(-1, out);
        continue;
      }
      const Wire wire = wires_[i];
      if (wire == Wire::kText || wire == Wire::kJsonb) {
        const size_t at = out.size();
        out.append(4, '\0');
        if (wire == Wire::kJsonb) out += '\1';  // jsonb's binary format version
        values_.Append(column, row, columns_[i], out);
        PatchLength(out, at);
        continue;
      }
      const int64_t value = column.Int(row);
      auto out_of_range = [&](int64_t min, int64_t max) {
        if (value < min || value > max) {
          throw Error(ErrorKind::kNonRetryable, "PostgresError",
                      fmt::format("{} is out of range for column {} ({}): widen the column", value,
                                  schema_.fields[columns_[i].index].name, columns_[i].type));
        }
      };
      switch (wire) {
        case Wire::kInt2:
          out_of_range(INT16_MIN, INT16_MAX);
          AppendBigEndian<int32_t>(2, out);
          AppendBigEndian<int16_t>(static_cast<int16_t>(value), out);
          break;
        case Wire::kInt4:
          out_of_range(INT32_MIN, INT32_MAX);
          AppendBigEndian<int32_t>(4, out);
          AppendBigEndian<int32_t>(static_cast<int32_t>(value), out);
          break;
        case Wire::kInt8:
          AppendBigEndian<int32_t>(8, out);
          AppendBigEndian<int64_t>(value, out);
          break;
        case Wire::kTimestamp:
          AppendBigEndian<int32_t>(8, out);
          AppendBigEndian<int64_t>(value - kPostgresEpochMicros, out);
          break;
        case Wire::kBool:
          AppendBigEndian<int32_t>(1, out);
          out += value != 0 ? '\1' : '\0';
          break;
        case Wire::kText:
        case Wire::kJsonb:
          break;
      }
    }
  }
}

}  // namespace bx
