#include "format/parquet/parquet_encoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "core/schemas.h"
#include "io/local_file_sink.h"
#include "testing/parquet_test_util.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using parquet::testing::AppendEvents;
using parquet::testing::ScratchDir;

// Keeps what was written in memory.
class MemorySink : public ByteSink {
 public:
  explicit MemorySink(std::string* out) : out_(out) {}
  void Append(std::string_view b) override { out_->append(b); }
  void Finish() override { finished_ = true; }
  void Abort() noexcept override { out_->clear(); }
  uint64_t BytesWritten() const override { return out_->size(); }
  bool finished_ = false;

 private:
  std::string* out_;
};

TEST(ParquetEncoder, ZeroRowsStillMakeAValidFile) {
  std::string bytes;
  auto enc = MakeParquetEncoder(FileSchema(Model::kEvents), std::make_unique<MemorySink>(&bytes),
                                ParquetOptions{});
  enc->Finish();
  ASSERT_GT(bytes.size(), 12u);
  EXPECT_EQ(bytes.substr(0, 4), "PAR1");
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "PAR1");
  uint32_t footer;
  std::memcpy(&footer, bytes.data() + bytes.size() - 8, 4);
  EXPECT_EQ(footer + 12, bytes.size());  // magic + footer + length + magic
  EXPECT_EQ(enc->rows(), 0u);
  EXPECT_EQ(enc->row_groups(), 0u);
}

TEST(ParquetEncoder, CutsRowGroupsByRowsAndBytesAndOnRequest) {
  RecordBatch batch(FileSchema(Model::kEvents));
  AppendEvents(batch, 20000, 1);
  std::string bytes;
  ParquetOptions o;
  o.row_group_rows = 7000;
  auto enc = MakeParquetEncoder(batch.schema(), std::make_unique<MemorySink>(&bytes), o);
  enc->Add(batch, 0, 10000);  // 7000 + 3000 buffered
  EXPECT_EQ(enc->row_groups(), 1u);
  enc->FlushRowGroup();  // the rotator closing a group early
  EXPECT_EQ(enc->row_groups(), 2u);
  enc->FlushRowGroup();  // nothing buffered: no empty row group
  EXPECT_EQ(enc->row_groups(), 2u);
  enc->Add(batch, 10000, 20000);
  enc->Finish();
  EXPECT_EQ(enc->row_groups(), 4u);  // 7000, 3000, 7000, 3000
  EXPECT_EQ(enc->rows(), 20000u);

  std::string small;
  ParquetOptions by_bytes;
  by_bytes.row_group_bytes = 1 << 20;  // ~2,000 rows of ~500 bytes
  auto enc2 = MakeParquetEncoder(batch.schema(), std::make_unique<MemorySink>(&small), by_bytes);
  enc2->Add(batch, 0, 20000);
  enc2->Finish();
  EXPECT_GE(enc2->row_groups(), 5u);
  EXPECT_LE(enc2->row_groups(), 20u);
}

// The FileRotator adds batches until EstimatedFileBytes() reaches its limit, then finishes: the
// file must come out within 10% of the limit.
TEST(ParquetEncoder, EstimateLetsTheRotatorCutWithinTenPercent) {
  RecordBatch batch(FileSchema(Model::kEvents));
  AppendEvents(batch, 60000, 2);
  for (Compression c : {Compression::kZstd, Compression::kSnappy, Compression::kNone}) {
    for (uint64_t limit : {uint64_t{1} << 20, uint64_t{3} << 20}) {
      SCOPED_TRACE(std::string(CompressionName(c)) + " limit " + std::to_string(limit));
      std::string bytes;
      ParquetOptions o;
      o.compression = c;
      o.row_group_bytes = 4 << 20;
      auto enc = MakeParquetEncoder(batch.schema(), std::make_unique<MemorySink>(&bytes), o);
      size_t row = 0;
      while (row < batch.num_rows() && enc->EstimatedFileBytes() < limit) {
        const size_t n = std::min<size_t>(100, batch.num_rows() - row);
        enc->Add(batch, row, row + n);
        row += n;
      }
      ASSERT_LT(row, batch.num_rows()) << "the test needs more rows";
      const uint64_t estimate = enc->EstimatedFileBytes();
      enc->Finish();
      EXPECT_NEAR(static_cast<double>(bytes.size()), static_cast<double>(estimate),
                  0.05 * static_cast<double>(bytes.size()));
      EXPECT_NEAR(static_cast<double>(bytes.size()), static_cast<double>(limit), 0.1 * limit);
    }
  }
}

TEST(ParquetEncoder, MisuseIsAnInternalError) {
  RecordBatch events(FileSchema(Model::kEvents));
  AppendEvents(events, 10, 3);
  RecordBatch persons(FileSchema(Model::kPersons));
  std::string bytes;
  auto enc =
      MakeParquetEncoder(events.schema(), std::make_unique<MemorySink>(&bytes), ParquetOptions{});
  EXPECT_THROW(enc->Add(persons, 0, 0), Error);  // another schema
  EXPECT_THROW(enc->Add(events, 5, 11), Error);  // past the end
  enc->Add(events, 0, 10);
  enc->Finish();
  try {
    enc->Add(events, 0, 1);
    FAIL() << "Add after Finish";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  }
}

TEST(ParquetEncoder, AbortLeavesNoFile) {
  const fs::path path = ScratchDir() / "aborted.parquet";
  RecordBatch batch(FileSchema(Model::kEvents));
  AppendEvents(batch, 100, 4);
  {
    auto enc =
        MakeParquetEncoder(batch.schema(), std::make_unique<LocalFileSink>(path), ParquetOptions{});
    enc->Add(batch, 0, 100);
    enc->Abort();
  }
  {
    auto enc =
        MakeParquetEncoder(batch.schema(), std::make_unique<LocalFileSink>(path), ParquetOptions{});
    enc->Add(batch, 0, 100);
    // Destroyed without Finish: discarded too.
  }
  EXPECT_FALSE(fs::exists(path));
  for (const auto& entry : fs::directory_iterator(ScratchDir())) {
    EXPECT_EQ(entry.path().filename().string().find(".aborted.parquet.tmp"), std::string::npos);
  }
}

}  // namespace
}  // namespace bx
