// End-to-end: files written by ParquetEncoder are read by two independent readers (DuckDB and
// hyparquet, tools/node) and every value, type and statistic is compared with the source.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/schemas.h"
#include "testing/parquet_test_util.h"

namespace bx::parquet::testing {
namespace {

namespace fs = std::filesystem;

// Removes the scratch directory after all tests (set BX_KEEP_TEST_FILES to keep it).
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (std::getenv("BX_KEEP_TEST_FILES") == nullptr) fs::remove_all(ScratchDir());
  }
};
[[maybe_unused]] ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

const Compression kCompressions[] = {Compression::kNone, Compression::kSnappy, Compression::kZstd,
                                     Compression::kGzip, Compression::kBrotli, Compression::kLz4};

enum class Case {
  kNoNulls,
  kSomeNulls,
  kAllNulls,
  kEmptyStrings,
  kOneRow,
  kZeroRows,
  kBigString,
  kUnicode
};
const Case kCases[] = {Case::kNoNulls, Case::kSomeNulls, Case::kAllNulls,  Case::kEmptyStrings,
                       Case::kOneRow,  Case::kZeroRows,  Case::kBigString, Case::kUnicode};

std::string CaseName(Case c) {
  switch (c) {
    case Case::kNoNulls:
      return "no_nulls";
    case Case::kSomeNulls:
      return "some_nulls";
    case Case::kAllNulls:
      return "all_nulls";
    case Case::kEmptyStrings:
      return "empty_strings";
    case Case::kOneRow:
      return "one_row";
    case Case::kZeroRows:
      return "zero_rows";
    case Case::kBigString:
      return "big_string_5mb";
    case Case::kUnicode:
      return "unicode";
  }
  return "?";
}

// Values that probe the edges: extreme integers, pre-1970 timestamps, JSON-escaped characters,
// strings longer than the statistics limit.
void AppendAllTypesRow(RecordBatch& b, Rng& rng, size_t row, bool nulls) {
  auto null_here = [&](size_t col) { return nulls && (row * 7 + col * 3) % 5 == 0; };
  static const int64_t kInts[] = {0, 1, -1, INT64_MIN, INT64_MAX, 1LL << 53, -(1LL << 53) - 1};
  const std::string s = row % 11 == 3   ? std::string(100 + row % 7, 'a' + row % 26)
                        : row % 13 == 5 ? "quote\" back\\slash\ttab\nnewline\x01"
                                        : "v" + std::to_string(rng.Below(40));
  if (null_here(0))
    b.column(0).AppendNull();
  else
    b.column(0).AppendString(s);
  if (null_here(1)) {
    b.column(1).AppendNull();
  } else {
    b.column(1).AppendString("{\"n\":" + std::to_string(rng.Below(1000000)) + ",\"s\":\"x\"}");
  }
  if (null_here(2)) {
    b.column(2).AppendNull();
  } else {
    b.column(2).AppendInt(row % 4 == 0 ? kInts[row / 4 % 7] : static_cast<int64_t>(rng.Next()));
  }
  if (null_here(3)) {
    b.column(3).AppendNull();
  } else {
    // 1900 .. 2100 in microseconds.
    b.column(3).AppendInt(-2208988800000000LL +
                          static_cast<int64_t>(rng.Below(6311433600000000ULL)));
  }
  if (null_here(4))
    b.column(4).AppendNull();
  else
    b.column(4).AppendBool(rng.Below(3) == 0);
}

struct FileCase {
  std::unique_ptr<RecordBatch> batch;
  ParquetOptions options;
  std::string path;
};

void Build(Case c, Compression comp, FileCase& f) {
  f.batch = std::make_unique<RecordBatch>(AllTypesSchema());
  RecordBatch& b = *f.batch;
  f.options.compression = comp;
  f.options.key_value_metadata = {{"exporter", "batch-export"}, {"case", CaseName(c)}};
  Rng rng(static_cast<uint64_t>(c) * 31 + static_cast<uint64_t>(comp));
  switch (c) {
    case Case::kNoNulls:
      for (size_t r = 0; r < 3000; ++r) AppendAllTypesRow(b, rng, r, false);
      break;
    case Case::kSomeNulls:
      // Small pages and row groups: nulls straddle page and row group boundaries.
      f.options.page_bytes = 2048;
      f.options.row_group_rows = 1500;
      for (size_t r = 0; r < 5000; ++r) AppendAllTypesRow(b, rng, r, true);
      break;
    case Case::kAllNulls:
      for (size_t r = 0; r < 300; ++r) {
        for (size_t col = 0; col < b.num_columns(); ++col) b.column(col).AppendNull();
      }
      break;
    case Case::kEmptyStrings:
      for (size_t r = 0; r < 200; ++r) {
        const bool null = r % 7 == 0;
        // The JSON column's shortest values: JSON text, as the cleaning rule keeps it.
        if (null) {
          b.column(0).AppendNull();
          b.column(1).AppendNull();
        } else {
          b.column(0).AppendString(r % 3 ? "" : "x");
          b.column(1).AppendString(r % 3 ? R"("")" : R"("x")");
        }
        b.column(2).AppendInt(static_cast<int64_t>(r));
        b.column(3).AppendInt(static_cast<int64_t>(r) * 1000000);
        b.column(4).AppendBool(r % 2);
      }
      break;
    case Case::kOneRow:
      AppendAllTypesRow(b, rng, 1, false);
      break;
    case Case::kZeroRows:
      break;
    case Case::kBigString: {
      // A 5 MB value is larger than a page (and than the dictionary limit): it gets a page of
      // its own, between ordinary values.
      std::string big(5 << 20, ' ');
      for (char& ch : big) ch = static_cast<char>('a' + rng.Below(26));
      for (size_t r = 0; r < 10; ++r) {
        AppendAllTypesRow(b, rng, r, false);
        if (r == 4) {
          b.column(0).AppendString(big);
          b.column(1).AppendString("{\"big\":\"" + big.substr(0, 3 << 20) + "\"}");
          b.column(2).AppendInt(5);
          b.column(3).AppendInt(5);
          b.column(4).AppendBool(true);
        }
      }
      break;
    }
    case Case::kUnicode: {
      // Multi-byte characters everywhere, including right at the 64-byte statistics cut, and
      // U+10FFFF (the max bound cannot increment it and carries to the previous character).
      const std::string pieces[] = {"é", "日本語", "😀", "Ω", "\xf4\x8f\xbf\xbf", "a"};
      for (size_t r = 0; r < 400; ++r) {
        std::string s;
        const size_t n = r % 9 == 0 ? 40 : 1 + rng.Below(6);
        for (size_t k = 0; k < n; ++k) s += pieces[rng.Below(6)];
        if (r == 7) s = "\xf4\x8f\xbf\xbf" + std::string(70, 'z');  // sorts last, long
        if (r == 8) s = "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf" + std::string(80, 'x');
        if (r % 10 == 9)
          b.column(0).AppendNull();
        else
          b.column(0).AppendString(s);
        b.column(1).AppendString("{\"text\":\"" + s + "\"}");
        b.column(2).AppendInt(static_cast<int64_t>(rng.Next()));
        b.column(3).AppendInt(static_cast<int64_t>(r));
        b.column(4).AppendBool(false);
      }
      break;
    }
  }
  f.path = (ScratchDir() /
            ("matrix_" + std::string(CompressionName(comp)) + "_" + CaseName(c) + ".parquet"))
               .string();
  WriteParquet(f.path, b, f.options, 777);
}

class ReaderMatrix : public ::testing::TestWithParam<std::tuple<Compression, Case>> {
 protected:
  static void SetUpTestSuite() {
    std::vector<std::string> paths;
    for (Compression comp : kCompressions) {
      for (Case c : kCases) {
        FileCase& f = files_[Key(comp, c)];
        Build(c, comp, f);
        paths.push_back(f.path);
      }
    }
    // One process per reader for all files: node and DuckDB start up once.
    problem_ = RunReaders(paths);
  }
  static void TearDownTestSuite() { files_.clear(); }
  static int Key(Compression comp, Case c) {
    return static_cast<int>(comp) * 100 + static_cast<int>(c);
  }

  static inline std::map<int, FileCase> files_;
  static inline std::string problem_;
};

TEST_P(ReaderMatrix, BothReadersSeeTheSameValuesTypesAndStatistics) {
  ASSERT_EQ(problem_, "");
  const auto [comp, c] = GetParam();
  const FileCase& f = files_.at(Key(comp, c));
  EXPECT_TRUE(BothReadersRowsMatch(f.path, *f.batch));
  EXPECT_TRUE(DuckDbMetadataMatches(f.path + ".duckdb.meta.json", *f.batch, f.options));
  EXPECT_TRUE(HyparquetMetadataMatches(f.path + ".hyparquet.meta.json", *f.batch, f.options));
}

INSTANTIATE_TEST_SUITE_P(AllCompressions, ReaderMatrix,
                         ::testing::Combine(::testing::ValuesIn(kCompressions),
                                            ::testing::ValuesIn(kCases)),
                         [](const auto& info) {
                           return std::string(CompressionName(std::get<0>(info.param))) + "_" +
                                  CaseName(std::get<1>(info.param));
                         });

// The heavy case: a million event rows, several row groups, dictionary columns (event) next to
// columns that fall back to PLAIN part-way (uuid, properties).
TEST(ParquetReaders, MillionEventRows) {
  RecordBatch batch(FileSchema(Model::kEvents));
  AppendEvents(batch, 1'000'000, 42, 60, 97);
  ParquetOptions options;
  options.compression = Compression::kZstd;
  options.row_group_rows = 300'000;
  options.key_value_metadata = {{"model", "events"}};
  const std::string path = (ScratchDir() / "million.parquet").string();
  WriteParquet(path, batch, options, 65536);
  ASSERT_EQ(RunReaders({path}), "");
  EXPECT_TRUE(BothReadersRowsMatch(path, batch));
  EXPECT_TRUE(DuckDbMetadataMatches(path + ".duckdb.meta.json", batch, options));
  EXPECT_TRUE(HyparquetMetadataMatches(path + ".hyparquet.meta.json", batch, options));
  for (const char* suffix : {"", ".duckdb.rows.ndjson", ".hyparquet.rows.ndjson"}) {
    fs::remove(path + suffix);
  }
}

}  // namespace
}  // namespace bx::parquet::testing
