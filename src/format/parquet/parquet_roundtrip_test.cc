// The tests' own Parquet reader (src/testing/parquet_reader.h), which the round-trip fuzzer
// relies on: it reads back what the writer wrote, every codec, dictionary and PLAIN pages, many
// pages and row groups; it agrees with the events data the Node.js readers check; and it refuses
// damaged files with an error instead of crashing.

#include "testing/parquet_reader.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/schemas.h"
#include "format/parquet/parquet_encoder.h"
#include "testing/parquet_test_util.h"

namespace bx {
namespace {

using parquet::testing::AllTypesSchema;
using parquet::testing::FirstDifference;
using parquet::testing::ParquetReadError;
using parquet::testing::ReadParquet;

class StringSink : public ByteSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  void Append(std::string_view b) override { out_->append(b); }
  void Finish() override {}
  void Abort() noexcept override { out_->clear(); }
  uint64_t BytesWritten() const override { return out_->size(); }

 private:
  std::string* out_;
};

std::string Write(const RecordBatch& batch, const ParquetOptions& options) {
  std::string bytes;
  auto enc = MakeParquetEncoder(batch.schema(), std::make_unique<StringSink>(&bytes), options);
  enc->Add(batch, 0, batch.num_rows());
  enc->Finish();
  return bytes;
}

// Nulls in every column, a repeated string column (dictionary) and a distinct one (PLAIN after
// the fallback), extreme integers.
RecordBatch AllTypesRows(size_t n) {
  RecordBatch b(AllTypesSchema());
  for (size_t r = 0; r < n; ++r) {
    const bool null = r % 7 == 3;
    null ? b.column(0).AppendNull() : b.column(0).AppendString("event_" + std::to_string(r % 5));
    null ? b.column(1).AppendNull()
         : b.column(1).AppendString("{\"n\":" + std::to_string(r * 7919) + "}");
    r % 11 == 0 ? b.column(2).AppendNull()
                : b.column(2).AppendInt(r % 2 ? INT64_MIN + static_cast<int64_t>(r)
                                              : static_cast<int64_t>(r * 1000003));
    r % 13 == 0 ? b.column(3).AppendNull()
                : b.column(3).AppendInt(1705312800000000 + static_cast<int64_t>(r));
    r % 3 == 0 ? b.column(4).AppendNull() : b.column(4).AppendBool(r % 2);
  }
  return b;
}

TEST(ParquetReader, ReadsBackEveryCodecWithManyPagesAndRowGroups) {
  const RecordBatch batch = AllTypesRows(5000);
  for (Compression c : {Compression::kNone, Compression::kSnappy, Compression::kGzip,
                        Compression::kZstd, Compression::kBrotli, Compression::kLz4}) {
    SCOPED_TRACE(std::string(CompressionName(c)));
    ParquetOptions o;
    o.compression = c;
    o.page_bytes = 2048;
    o.row_group_rows = 1500;
    const std::string file = Write(batch, o);
    RecordBatch back(AllTypesSchema());
    const auto summary = ReadParquet(file, back);
    EXPECT_EQ(summary.num_rows, 5000);
    EXPECT_EQ(summary.row_groups, 4u);
    EXPECT_GT(summary.dictionary_pages, 0u);  // column s
    EXPECT_GT(summary.data_pages, 4u * 5);    // several pages per chunk
    EXPECT_EQ(FirstDifference(batch, back), "");
  }
}

TEST(ParquetReader, ReadsEventsAndZeroRows) {
  RecordBatch events(FileSchema(Model::kEvents));
  parquet::testing::AppendEvents(events, 3000, 5, 300, 9);
  RecordBatch back(FileSchema(Model::kEvents));
  ReadParquet(Write(events, ParquetOptions{}), back);
  EXPECT_EQ(FirstDifference(events, back), "");

  RecordBatch none(AllTypesSchema());
  RecordBatch none_back(AllTypesSchema());
  EXPECT_EQ(ReadParquet(Write(none, ParquetOptions{}), none_back).num_rows, 0);
}

TEST(ParquetReader, FindsADifference) {
  const RecordBatch a = AllTypesRows(10);
  RecordBatch b = AllTypesRows(9);
  EXPECT_EQ(FirstDifference(a, b), "10 rows != 9 rows");
  b.column(0).AppendString("other");
  for (size_t c = 1; c < 5; ++c) b.column(c).AppendNull();
  EXPECT_NE(FirstDifference(a, b), "");
}

// Hostile input: truncated files and flipped bytes are refused or read, never a crash (the
// sanitizer builds check the "never"); truncation always loses the magic or the footer.
TEST(ParquetReader, RefusesDamagedFiles) {
  ParquetOptions o;
  o.compression = Compression::kZstd;
  o.page_bytes = 512;
  const std::string file = Write(AllTypesRows(300), o);
  for (size_t n = 0; n < file.size(); n += 1 + n / 16) {
    RecordBatch back(AllTypesSchema());
    EXPECT_THROW(ReadParquet(file.substr(0, n), back), ParquetReadError) << n;
  }
  size_t refused = 0;
  for (size_t at = 4; at < file.size() - 8; ++at) {
    std::string damaged = file;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
    RecordBatch back(AllTypesSchema());
    try {
      ReadParquet(damaged, back);
    } catch (const ParquetReadError&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, file.size() / 4);
}

}  // namespace
}  // namespace bx
