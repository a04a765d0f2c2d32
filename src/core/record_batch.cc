#include "core/record_batch.h"

namespace bx {

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Column::Column(ColumnType type) : type_(type) {
  if (is_binary()) offsets_.push_back(0);
}

void Column::AppendString(std::string_view value, bool known_clean) {
  if (type_ == ColumnType::kJson) known_clean_.push_back(known_clean);
  data_.append(value);
  offsets_.push_back(data_.size());
  validity_.push_back(1);
}

void Column::AppendInt(int64_t value) {
  ints_.push_back(value);
  validity_.push_back(1);
}

void Column::AppendNull() {
  if (type_ == ColumnType::kJson) known_clean_.push_back(0);
  if (is_binary()) {
    offsets_.push_back(data_.size());
  } else {
    ints_.push_back(0);
  }
  validity_.push_back(0);
  ++null_count_;
}

void Column::Filter(const std::vector<uint8_t>& keep) {
  size_t out = 0;
  if (is_binary()) {
    uint64_t write = 0;
    for (size_t row = 0; row < size(); ++row) {
      if (!keep[row]) continue;
      const uint64_t begin = offsets_[row], end = offsets_[row + 1];
      if (write != begin) data_.replace(write, end - begin, data_, begin, end - begin);
      write += end - begin;
      offsets_[out + 1] = write;
      validity_[out] = validity_[row];
      if (type_ == ColumnType::kJson) known_clean_[out] = known_clean_[row];
      ++out;
    }
    data_.resize(write);
    offsets_.resize(out + 1);
    if (type_ == ColumnType::kJson) known_clean_.resize(out);
  } else {
    for (size_t row = 0; row < size(); ++row) {
      if (!keep[row]) continue;
      ints_[out] = ints_[row];
      validity_[out] = validity_[row];
      ++out;
    }
    ints_.resize(out);
  }
  validity_.resize(out);
  null_count_ = 0;
  for (uint8_t v : validity_) null_count_ += v == 0;
}

void Column::Clear() {
  data_.clear();
  ints_.clear();
  validity_.clear();
  known_clean_.clear();
  offsets_.clear();
  if (is_binary()) offsets_.push_back(0);
  null_count_ = 0;
}

size_t Column::ByteSize() const { return data_.size() + ints_.size() * 8 + validity_.size(); }

RecordBatch::RecordBatch(const Schema& schema) : schema_(&schema) {
  columns_.reserve(schema.fields.size());
  for (const Field& f : schema.fields) columns_.emplace_back(f.type);
}

void RecordBatch::Clear() {
  for (Column& c : columns_) c.Clear();
}

size_t RecordBatch::ByteSize() const {
  size_t n = 0;
  for (const Column& c : columns_) n += c.ByteSize();
  return n;
}

void RecordBatch::Filter(const std::vector<uint8_t>& keep) {
  for (Column& c : columns_) c.Filter(keep);
}

}  // namespace bx
