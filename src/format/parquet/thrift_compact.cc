#include "format/parquet/thrift_compact.h"

#include "base/error.h"

namespace bx::parquet {

void AppendVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void CompactWriter::BeginStruct() {
  stack_.push_back(last_id_);
  last_id_ = 0;
}

void CompactWriter::EndStruct() {
  if (stack_.empty())
    throw Error(ErrorKind::kInternal, "InternalError", "thrift: unbalanced struct");
  out_->push_back(0);
  last_id_ = stack_.back();
  stack_.pop_back();
}

void CompactWriter::FieldHeader(int16_t id, ThriftType type) {
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    AppendVarint(ZigZag32(id), *out_);
  }
  last_id_ = id;
}

void CompactWriter::FieldBool(int16_t id, bool v) {
  // The value lives in the header's type nibble.
  FieldHeader(id, v ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void CompactWriter::FieldI8(int16_t id, int8_t v) {
  FieldHeader(id, ThriftType::kI8);
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::FieldI16(int16_t id, int16_t v) {
  FieldHeader(id, ThriftType::kI16);
  AppendVarint(ZigZag32(v), *out_);
}

void CompactWriter::FieldI32(int16_t id, int32_t v) {
  FieldHeader(id, ThriftType::kI32);
  AppendVarint(ZigZag32(v), *out_);
}

void CompactWriter::FieldI64(int16_t id, int64_t v) {
  FieldHeader(id, ThriftType::kI64);
  AppendVarint(ZigZag64(v), *out_);
}

void CompactWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, ThriftType::kBinary);
  ElemBinary(v);
}

void CompactWriter::FieldStructBegin(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStruct();
}

void CompactWriter::FieldListBegin(int16_t id, ThriftType elem, size_t size) {
  FieldHeader(id, ThriftType::kList);
  const int t = static_cast<int>(elem);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | t));
  } else {
    out_->push_back(static_cast<char>(0xf0 | t));
    AppendVarint(size, *out_);
  }
}

void CompactWriter::ElemI32(int32_t v) { AppendVarint(ZigZag32(v), *out_); }
void CompactWriter::ElemI64(int64_t v) { AppendVarint(ZigZag64(v), *out_); }

void CompactWriter::ElemBinary(std::string_view v) {
  AppendVarint(v.size(), *out_);
  out_->append(v);
}

void CompactWriter::ElemStructBegin() { BeginStruct(); }

}  // namespace bx::parquet
