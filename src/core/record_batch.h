#pragma once
// RecordBatch: a block of rows stored column by column in contiguous buffers (string offsets +
// bytes, int64 arrays, one validity byte per row). Batches are cleared and refilled, never
// reallocated per row, so the hot path allocates nothing once buffers have grown.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bx {

enum class ColumnType {
  kString,     // UTF-8 text
  kJson,       // JSON text; JSON lines embed it as a value, Parquet stores it as a string
  kInt64,      // signed 64-bit integer
  kTimestamp,  // int64 microseconds since the epoch, UTC
  kBool,       // stored as 0 / 1 in the int64 buffer
};

struct Field {
  std::string name;
  ColumnType type;
};

struct Schema {
  std::string table;  // the model's name: "events", "persons", "sessions"
  std::vector<Field> fields;
  // Index of the field called `name`, or -1.
  int IndexOf(std::string_view name) const;
};

class Column {
 public:
  explicit Column(ColumnType type);

  ColumnType type() const { return type_; }
  // A string or JSON column: values are byte strings.
  bool is_binary() const { return type_ == ColumnType::kString || type_ == ColumnType::kJson; }
  size_t size() const { return validity_.size(); }
  size_t null_count() const { return null_count_; }
  bool IsNull(size_t row) const { return validity_[row] == 0; }
  std::string_view String(size_t row) const {
    return {data_.data() + offsets_[row], static_cast<size_t>(offsets_[row + 1] - offsets_[row])};
  }
  // A JSON value its source vouched for (the embedded store checks values as they are written):
  // one line of valid JSON that the cleaning rule would not change, so encoders copy it as it is.
  bool KnownClean(size_t row) const { return type_ == ColumnType::kJson && known_clean_[row]; }
  int64_t Int(size_t row) const { return ints_[row]; }
  bool Bool(size_t row) const { return ints_[row] != 0; }

  // `known_clean` marks a JSON value (see KnownClean); other columns ignore it.
  void AppendString(std::string_view value, bool known_clean = false);
  void AppendInt(int64_t value);
  void AppendBool(bool value) { AppendInt(value ? 1 : 0); }
  void AppendNull();

  // Keeps the rows whose `keep` byte is non-zero, in order.
  void Filter(const std::vector<uint8_t>& keep);
  void Clear();  // keeps the buffers' capacity
  size_t ByteSize() const;

  // Raw buffers for encoders that walk a whole column. For string and JSON columns
  // offsets().size() == size() + 1 and a null row has an empty range; for the others
  // ints() holds one value per row (0 for a null row).
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  const std::string& data() const { return data_; }
  const std::vector<int64_t>& ints() const { return ints_; }
  const std::vector<uint8_t>& validity() const { return validity_; }

 private:
  ColumnType type_;
  std::vector<uint64_t> offsets_;
  std::string data_;
  std::vector<int64_t> ints_;
  std::vector<uint8_t> validity_;
  std::vector<uint8_t> known_clean_;  // JSON columns only: one byte a row
  size_t null_count_ = 0;
};

class RecordBatch {
 public:
  explicit RecordBatch(const Schema& schema);

  const Schema& schema() const { return *schema_; }
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  size_t num_columns() const { return columns_.size(); }
  Column& column(size_t i) { return columns_[i]; }
  const Column& column(size_t i) const { return columns_[i]; }

  void Clear();
  size_t ByteSize() const;
  void Filter(const std::vector<uint8_t>& keep);

 private:
  const Schema* schema_;
  std::vector<Column> columns_;
};

}  // namespace bx
