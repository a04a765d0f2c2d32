#include "format/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "format/parquet/metadata.h"

namespace bx::parquet {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }
using B = std::vector<uint8_t>;

std::string Varint(uint64_t v) {
  std::string out;
  AppendVarint(v, out);
  return out;
}

TEST(ThriftCompact, Varints) {
  EXPECT_EQ(Bytes(Varint(0)), (B{0x00}));
  EXPECT_EQ(Bytes(Varint(1)), (B{0x01}));
  EXPECT_EQ(Bytes(Varint(127)), (B{0x7f}));
  EXPECT_EQ(Bytes(Varint(128)), (B{0x80, 0x01}));
  EXPECT_EQ(Bytes(Varint(300)), (B{0xac, 0x02}));
  EXPECT_EQ(Bytes(Varint(50399)), (B{0xdf, 0x89, 0x03}));  // the example in the spec
  EXPECT_EQ(Bytes(Varint(UINT64_MAX)),
            (B{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
}

TEST(ThriftCompact, ZigZag) {
  EXPECT_EQ(ZigZag32(0), 0u);
  EXPECT_EQ(ZigZag32(-1), 1u);
  EXPECT_EQ(ZigZag32(1), 2u);
  EXPECT_EQ(ZigZag32(-2), 3u);
  EXPECT_EQ(ZigZag32(INT32_MAX), 0xfffffffeu);
  EXPECT_EQ(ZigZag32(INT32_MIN), 0xffffffffu);
  EXPECT_EQ(ZigZag64(-300), 599u);
  EXPECT_EQ(ZigZag64(INT64_MIN), UINT64_MAX);
}

TEST(ThriftCompact, FieldHeadersShortAndLongForm) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 5);      // delta 1, type 5: 0x15, zigzag(5) = 10
  w.FieldI32(3, -1);     // delta 2: 0x25, zigzag(-1) = 1
  w.FieldI32(20, 1);     // delta 17 > 15: long form 0x05, zigzag(20) = 40, then 2
  w.FieldI64(21, -300);  // delta 1, type 6: 0x16, zigzag 599 = d7 04
  w.FieldI32(2, 0);      // going back: long form 0x05, zigzag(2) = 4
  w.EndStruct();
  EXPECT_EQ(Bytes(out), (B{0x15, 0x0a, 0x25, 0x01, 0x05, 0x28, 0x02, 0x16, 0xd7, 0x04, 0x05, 0x04,
                           0x00, 0x00}));
}

TEST(ThriftCompact, BoolsBinaryAndI16) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldBool(1, true);   // the value is the type nibble: 1 = true
  w.FieldBool(2, false);  // 2 = false
  w.FieldBinary(4, "ab");
  w.FieldI16(5, -3);
  w.FieldI8(6, -1);
  w.EndStruct();
  EXPECT_EQ(Bytes(out), (B{0x11, 0x12, 0x28, 0x02, 'a', 'b', 0x14, 0x05, 0x13, 0xff, 0x00}));
}

TEST(ThriftCompact, NestedStructsRestartFieldIds) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 1);
  w.FieldStructBegin(3);  // delta 2, type 12: 0x2c
  w.FieldI32(1, 7);       // ids restart inside: delta 1
  w.EndStruct();
  w.FieldI32(4, 2);  // delta from 3 (not from the inner 1)
  w.EndStruct();
  EXPECT_EQ(Bytes(out), (B{0x15, 0x02, 0x2c, 0x15, 0x0e, 0x00, 0x15, 0x04, 0x00}));
}

TEST(ThriftCompact, Lists) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldListBegin(1, ThriftType::kI32, 3);  // 0x19, then size 3 / type 5: 0x35
  w.ElemI32(1);
  w.ElemI32(2);
  w.ElemI32(-1);
  w.FieldListBegin(2, ThriftType::kBinary, 1);  // 0x19, 0x18
  w.ElemBinary("x");
  w.FieldListBegin(3, ThriftType::kStruct, 15);  // 15 elements: long form 0xfc, varint 15
  for (int i = 0; i < 15; ++i) {
    w.ElemStructBegin();
    w.EndStruct();
  }
  w.EndStruct();
  B expected{0x19, 0x35, 0x02, 0x04, 0x01, 0x19, 0x18, 0x01, 'x', 0x19, 0xfc, 0x0f};
  expected.insert(expected.end(), 15, 0x00);  // 15 empty structs
  expected.push_back(0x00);
  EXPECT_EQ(Bytes(out), expected);
}

TEST(ThriftCompact, DataPageHeaderBytes) {
  std::string out;
  AppendDataPageHeader(100, 90, 10, Encoding::kPlain, out);
  EXPECT_EQ(Bytes(out), (B{0x15, 0x00,        // type DATA_PAGE
                           0x15, 0xc8, 0x01,  // uncompressed_page_size 100
                           0x15, 0xb4, 0x01,  // compressed_page_size 90
                           0x2c,              // field 5: data_page_header
                           0x15, 0x14,        // num_values 10
                           0x15, 0x00,        // encoding PLAIN
                           0x15, 0x06,        // definition_level_encoding RLE
                           0x15, 0x06,        // repetition_level_encoding RLE
                           0x00, 0x00}));
}

TEST(ThriftCompact, DictionaryPageHeaderBytes) {
  std::string out;
  AppendDictionaryPageHeader(8, 8, 2, out);
  EXPECT_EQ(Bytes(out), (B{0x15, 0x04, 0x15, 0x10, 0x15, 0x10,
                           0x4c,  // field 7 (delta 4): dictionary_page_header
                           0x15, 0x04, 0x15, 0x00, 0x00, 0x00}));
}

TEST(ThriftCompact, UnbalancedEndStructIsAnInternalError) {
  std::string out;
  CompactWriter w(&out);
  EXPECT_THROW(w.EndStruct(), Error);
}

}  // namespace
}  // namespace bx::parquet
