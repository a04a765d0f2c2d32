#pragma once
// A writer for the Thrift compact protocol, just enough for Parquet's footer and page headers.
//
// Why hand-written rather than thrift-generated code: Parquet needs only a handful of structs
// (FileMetaData, PageHeader and what they contain), which we only ever *write*. The generated
// C++ pulls in libthrift, a transport/protocol object graph and a std::string per field; this
// writer is ~150 lines, appends straight into the caller's buffer, and its output is checked
// byte for byte in thrift_compact_test.cc and end to end by two independent Parquet readers.
//
// Usage mirrors the wire format: fields are written in increasing id order inside a struct,
// BeginStruct/EndStruct nest, and a list header is followed by exactly `size` elements.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bx::parquet {

// Compact protocol type ids as they appear in field headers and list headers.
enum class ThriftType : uint8_t {
  kBoolTrue = 1,  // field headers only: a bool field carries its value in the type nibble
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// ULEB128.
void AppendVarint(uint64_t v, std::string& out);
inline uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  // The outermost struct has no field header: BeginStruct() ... EndStruct().
  void BeginStruct();
  void EndStruct();  // writes the stop byte

  void FieldBool(int16_t id, bool v);
  void FieldI8(int16_t id, int8_t v);
  void FieldI16(int16_t id, int16_t v);
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldBinary(int16_t id, std::string_view v);
  void FieldStructBegin(int16_t id);  // then fields, then EndStruct()
  void FieldListBegin(int16_t id, ThriftType elem, size_t size);

  // List elements.
  void ElemI32(int32_t v);
  void ElemI64(int64_t v);
  void ElemBinary(std::string_view v);
  void ElemStructBegin();  // then fields, then EndStruct()

  std::string& out() { return *out_; }

 private:
  void FieldHeader(int16_t id, ThriftType type);

  std::string* out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> stack_;  // last field ids of the enclosing structs
};

}  // namespace bx::parquet
