// A round trip through our Parquet writer (format/parquet): random rows of every column type
// (nulls, repeated and distinct strings, any bytes, extreme integers), random page, row group and
// dictionary limits and codec, added in random steps; read back by the independent reader of
// src/testing (parquet_reader.h: Thrift compact footer and page headers, RLE levels, dictionary
// and PLAIN pages).
// Invariant: the file reads back to exactly the rows written as the cleaning rule leaves them
// (no NUL or invalid UTF-8 in strings, JSON repaired), nulls included, and is well-formed (magic,
// footer, sizes, offsets, counts); never crashes.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include "core/formats.h"
#include "core/record_batch.h"
#include "format/parquet/parquet_encoder.h"
#include "format/value_cleaning.h"
#include "fuzz_check.h"
#include "io/byte_sink.h"
#include "testing/parquet_reader.h"

namespace {

class StringSink : public bx::ByteSink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  void Append(std::string_view bytes) override { out_->append(bytes); }
  void Finish() override {}
  void Abort() noexcept override { out_->clear(); }
  uint64_t BytesWritten() const override { return out_->size(); }

 private:
  std::string* out_;
};

const bx::Schema& FuzzSchema() {
  static const bx::Schema kSchema{"fuzz",
                                  {{"s", bx::ColumnType::kString},
                                   {"j", bx::ColumnType::kJson},
                                   {"i", bx::ColumnType::kInt64},
                                   {"t", bx::ColumnType::kTimestamp},
                                   {"b", bx::ColumnType::kBool}}};
  return kSchema;
}

void AppendValue(bx::Column& to, const bx::Column& from, size_t row) {
  if (from.IsNull(row)) {
    to.AppendNull();
  } else if (from.is_binary()) {
    to.AppendString(from.String(row));
  } else {
    to.AppendInt(from.Int(row));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  bx::ParquetOptions options;
  options.compression = in.PickValueInArray({bx::Compression::kNone, bx::Compression::kSnappy,
                                             bx::Compression::kGzip, bx::Compression::kZstd,
                                             bx::Compression::kBrotli, bx::Compression::kLz4});
  options.page_bytes = in.ConsumeIntegralInRange<uint64_t>(1, 1 << 16);
  options.row_group_rows = in.ConsumeIntegralInRange<uint64_t>(1, 600);
  options.row_group_bytes = in.ConsumeIntegralInRange<uint64_t>(1, 1 << 18);
  options.dictionary_bytes = in.ConsumeIntegralInRange<uint64_t>(0, 1 << 12);
  const std::string pool[] = {"", "a", "$pageview", "{}", "\xff\xfe", std::string(300, 'x')};

  bx::RecordBatch batch(FuzzSchema());
  while (in.remaining_bytes() > 0 && batch.num_rows() < 3000) {
    const uint8_t nulls = in.ConsumeIntegral<uint8_t>();
    for (size_t c = 0; c < 2; ++c) {
      bx::Column& col = batch.column(c);
      if (nulls >> c & 1) {
        col.AppendNull();
      } else if (in.ConsumeBool()) {
        col.AppendString(pool[in.ConsumeIntegralInRange<size_t>(0, std::size(pool) - 1)]);
      } else {
        col.AppendString(in.ConsumeRandomLengthString(64));
      }
    }
    for (size_t c = 2; c < 4; ++c) {
      bx::Column& col = batch.column(c);
      (nulls >> c & 1) ? col.AppendNull() : col.AppendInt(in.ConsumeIntegral<int64_t>());
    }
    (nulls >> 4 & 1) ? batch.column(4).AppendNull() : batch.column(4).AppendBool(in.ConsumeBool());
  }

  std::string file;
  auto encoder = bx::MakeParquetEncoder(FuzzSchema(), std::make_unique<StringSink>(&file), options);
  const size_t n = batch.num_rows();
  size_t step = 1 + (size & 63);
  for (size_t b = 0; b < n; b += step, step = 1 + (step * 7 + b) % 97) {
    encoder->Add(batch, b, std::min(n, b + step));
    if (b % 5 == 3) encoder->FlushRowGroup();
  }
  encoder->Finish();
  FUZZ_CHECK(encoder->rows() == n, "the encoder counted another number of rows");

  bx::RecordBatch back(FuzzSchema());
  bx::parquet::testing::ParquetFileSummary summary;
  try {
    summary = bx::parquet::testing::ReadParquet(file, back);
  } catch (const bx::parquet::testing::ParquetReadError& e) {
    FUZZ_CHECK(false, std::string("the file does not read back: ") + e.what());
  }
  FUZZ_CHECK(summary.num_rows == static_cast<int64_t>(n), "the footer's num_rows is wrong");
  // What was written is the batch as the cleaning rule leaves it (format/value_cleaning.h);
  // every value read back obeys it.
  bx::RecordBatch cleaned(FuzzSchema());
  bx::ColumnCleaner cleaner;
  for (size_t c = 0; c < cleaned.num_columns(); ++c) {
    size_t begin = 0, end = n;
    const bx::Column& column = cleaner.Clean(batch.column(c), begin, end);
    for (size_t row = begin; row < end; ++row) AppendValue(cleaned.column(c), column, row);
  }
  FUZZ_CHECK(encoder->repaired_values() == cleaner.repaired(),
             "the encoder counted another number of repaired values");
  for (size_t row = 0; row < n; ++row) {
    FUZZ_CHECK(back.column(0).IsNull(row) || bx::IsCleanText(back.column(0).String(row)),
               "a string read back holds NUL or invalid UTF-8");
  }
  const std::string difference = bx::parquet::testing::FirstDifference(cleaned, back);
  FUZZ_CHECK(difference.empty(), "read back differs: " + difference);
  return 0;
}
