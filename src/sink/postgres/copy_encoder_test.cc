// The COPY encoders: which format a table's column types get, the binary format's bytes, and
// values a binary column cannot hold.

#include "sink/postgres/copy_encoder.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bx {
namespace {

const Schema kSchema{"events",
                     {{"name", ColumnType::kString},
                      {"props", ColumnType::kJson},
                      {"n", ColumnType::kInt64},
                      {"at", ColumnType::kTimestamp},
                      {"ok", ColumnType::kBool}}};

std::vector<CopyColumn> Columns(const std::vector<std::string>& types) {
  std::vector<CopyColumn> out;
  for (size_t i = 0; i < types.size(); ++i) out.push_back({i, std::nullopt, false, types[i]});
  return out;
}

RecordBatch Row(std::string_view name, int64_t n) {
  RecordBatch batch(kSchema);
  batch.column(0).AppendString(name);
  batch.column(1).AppendString(R"({"a":1})");
  batch.column(2).AppendInt(n);
  batch.column(3).AppendInt(946684800LL * 1000000 + 1);  // 2000-01-01T00:00:00.000001Z
  batch.column(4).AppendNull();
  return batch;
}

TEST(CopyEncoder, BinaryWhenEveryColumnTypeIsOneItWritesElseText) {
  EXPECT_STREQ(
      MakeCopyEncoder(kSchema, Columns({"varchar", "jsonb", "int4", "timestamptz", "bool"}))
          ->options(),
      " (FORMAT binary)");
  EXPECT_STREQ(
      MakeCopyEncoder(kSchema, Columns({"text", "json", "int8", "timestamp", "bool"}))->options(),
      " (FORMAT binary)");
  // A uuid column, numeric, or text holding a number: the server converts from text.
  EXPECT_STREQ(MakeCopyEncoder(kSchema, Columns({"uuid", "jsonb", "int4", "timestamptz", "bool"}))
                   ->options(),
               "");
  EXPECT_STREQ(
      MakeCopyEncoder(kSchema, Columns({"text", "jsonb", "numeric", "timestamptz", "bool"}))
          ->options(),
      "");
  EXPECT_STREQ(MakeCopyEncoder(kSchema, Columns({"text", "jsonb", "text", "timestamptz", "bool"}))
                   ->options(),
               "");
}

TEST(CopyEncoder, BinaryFormatBytes) {
  auto encoder =
      MakeCopyEncoder(kSchema, Columns({"varchar", "jsonb", "int2", "timestamptz", "bool"}));
  std::string out;
  encoder->Begin(out);
  encoder->Append(Row("ab", -2), out);
  encoder->End(out);
  const std::string expected = std::string("PGCOPY\n\xff\r\n\0", 11) +
                               std::string("\0\0\0\0\0\0\0\0", 8) +             // flags, extension
                               std::string("\0\5", 2) +                         // five fields
                               std::string("\0\0\0\2ab", 6) +                   // varchar
                               std::string("\0\0\0\x08\1{\"a\":1}", 12) +       // jsonb version 1
                               std::string("\0\0\0\2\xff\xfe", 6) +             // int2 -2
                               std::string("\0\0\0\x08\0\0\0\0\0\0\0\1", 12) +  // 1 µs after 2000
                               std::string("\xff\xff\xff\xff", 4) +             // NULL
                               std::string("\xff\xff", 2);                      // trailer
  EXPECT_EQ(out, expected);
}

TEST(CopyEncoder, AValueOutOfItsColumnsRangeFailsNamingTheColumn) {
  auto encoder =
      MakeCopyEncoder(kSchema, Columns({"text", "jsonb", "int4", "timestamptz", "bool"}));
  std::string out;
  try {
    encoder->Append(Row("x", int64_t{1} << 40), out);
    FAIL() << "2^40 went into an int4";
  } catch (const Error& e) {
    EXPECT_FALSE(e.retryable());
    EXPECT_NE(e.message().find("column n (int4)"), std::string::npos) << e.message();
  }
}

TEST(CopyEncoder, TextFormatEscapes) {
  auto encoder =
      MakeCopyEncoder(kSchema, Columns({"uuid", "jsonb", "int8", "timestamptz", "bool"}));
  std::string out;
  encoder->Append(Row("a\tb\\c", 7), out);
  EXPECT_EQ(out, "a\\tb\\\\c\t{\"a\":1}\t7\t2000-01-01T00:00:00.000001+00:00\t\\N\n");
}

}  // namespace
}  // namespace bx
