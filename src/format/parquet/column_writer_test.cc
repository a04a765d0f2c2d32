#include "format/parquet/column_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/error.h"
#include "compress/block_codec.h"

namespace bx::parquet {
namespace {

struct Finished {
  std::string bytes;
  ColumnChunkMeta meta;
  int32_t PageCount(PageType type, Encoding enc) const {
    for (const PageEncodingCount& c : meta.encoding_stats) {
      if (c.page_type == type && c.encoding == enc) return c.count;
    }
    return 0;
  }
  bool HasEncoding(Encoding e) const {
    return std::find(meta.encodings.begin(), meta.encodings.end(), e) != meta.encodings.end();
  }
};

Finished Finish(ColumnWriter& w) {
  Finished f;
  w.FinishChunk([&](std::string_view b) { f.bytes.append(b); }, &f.meta);
  return f;
}

const Field kString{"s", ColumnType::kString};

TEST(ColumnWriter, LowCardinalityStringsStayDictionaryEncoded) {
  Column c(ColumnType::kString);
  for (int i = 0; i < 20000; ++i) c.AppendString("event_" + std::to_string(i % 10));
  ColumnWriter w(kString, ColumnWriterOptions{});
  w.Write(c, 0, c.size());
  EXPECT_TRUE(w.dictionary_active());
  const Finished f = Finish(w);
  EXPECT_EQ(f.meta.dictionary_page_offset, 0);
  EXPECT_GT(f.meta.data_page_offset, 0);
  EXPECT_EQ(f.PageCount(PageType::kDictionaryPage, Encoding::kPlain), 1);
  EXPECT_GE(f.PageCount(PageType::kDataPage, Encoding::kRleDictionary), 1);
  EXPECT_EQ(f.PageCount(PageType::kDataPage, Encoding::kPlain), 0);
  EXPECT_TRUE(f.HasEncoding(Encoding::kRleDictionary));
  EXPECT_EQ(f.meta.num_values, 20000);
  EXPECT_EQ(f.meta.total_compressed_size, static_cast<int64_t>(f.bytes.size()));
  // 20000 indices of 4 bits are far smaller than the values.
  EXPECT_LT(f.bytes.size(), 20000u);
}

TEST(ColumnWriter, HighCardinalityFallsBackToPlainAfterTheCheck) {
  Column c(ColumnType::kString);
  for (int i = 0; i < 20000; ++i) c.AppendString("0189-uuid-" + std::to_string(i));
  ColumnWriterOptions o;
  o.early_check_values = 0;  // only the main check
  o.cardinality_check_values = 1000;
  ColumnWriter w(kString, o);
  w.Write(c, 0, 999);
  EXPECT_TRUE(w.dictionary_active());
  w.Write(c, 999, c.size());
  EXPECT_FALSE(w.dictionary_active());  // 1000 distinct of 1000 values
  const Finished f = Finish(w);
  // The first 1000 values went out dictionary-encoded, the rest PLAIN, in the same chunk.
  EXPECT_EQ(f.PageCount(PageType::kDictionaryPage, Encoding::kPlain), 1);
  EXPECT_EQ(f.PageCount(PageType::kDataPage, Encoding::kRleDictionary), 1);
  EXPECT_GE(f.PageCount(PageType::kDataPage, Encoding::kPlain), 1);
  EXPECT_TRUE(f.HasEncoding(Encoding::kPlain));
  EXPECT_TRUE(f.HasEncoding(Encoding::kRleDictionary));
  EXPECT_EQ(f.meta.num_values, 20000);
  EXPECT_EQ(f.meta.statistics.min_value, "0189-uuid-0");
  EXPECT_EQ(f.meta.statistics.max_value, "0189-uuid-9999");
  // Each chunk (row group) tries the dictionary again.
  EXPECT_TRUE(w.dictionary_active());
}

TEST(ColumnWriter, NearlyUniqueValuesFallBackAtTheEarlyCheck) {
  Column c(ColumnType::kString);
  for (int i = 0; i < 2000; ++i) c.AppendString("id-" + std::to_string(i % 1500));
  ColumnWriterOptions o;
  o.early_check_values = 1000;
  ColumnWriter w(kString, o);
  w.Write(c, 0, 999);
  EXPECT_TRUE(w.dictionary_active());
  w.Write(c, 999, 1000);
  EXPECT_FALSE(w.dictionary_active());
}

TEST(ColumnWriter, ModerateCardinalityKeepsTheDictionaryPastTheEarlyCheck) {
  Column c(ColumnType::kString);
  for (int i = 0; i < 10000; ++i) c.AppendString("url-" + std::to_string(i * 7 % 400));
  ColumnWriter w(kString, ColumnWriterOptions{});
  w.Write(c, 0, c.size());
  EXPECT_TRUE(w.dictionary_active());  // 400 distinct of 1024, then of 8192
}

TEST(ColumnWriter, DictionaryByteLimitFallsBackToPlain) {
  Column c(ColumnType::kString);
  for (int i = 0; i < 3000; ++i)
    c.AppendString(std::string(50, 'a' + i % 26) + std::to_string(i % 100));
  ColumnWriterOptions o;
  o.dictionary_bytes = 1000;  // about 18 entries
  ColumnWriter w(kString, o);
  w.Write(c, 0, c.size());
  EXPECT_FALSE(w.dictionary_active());
  const Finished f = Finish(w);
  EXPECT_EQ(f.PageCount(PageType::kDictionaryPage, Encoding::kPlain), 1);
  EXPECT_GE(f.PageCount(PageType::kDataPage, Encoding::kPlain), 1);
  EXPECT_EQ(f.meta.num_values, 3000);
}

TEST(ColumnWriter, ValueLargerThanAPageGetsItsOwnPage) {
  Column c(ColumnType::kString);
  for (int i = 0; i < 10; ++i) c.AppendString("small");
  c.AppendString(std::string(5000, 'x'));
  for (int i = 0; i < 10; ++i) c.AppendString("small");
  ColumnWriterOptions o;
  o.page_bytes = 1000;
  o.dictionary_bytes = 4096;  // the big value cannot join the dictionary: PLAIN from there on
  ColumnWriter w(kString, o);
  w.Write(c, 0, c.size());
  const Finished f = Finish(w);
  // [10 small, dictionary] [big alone, PLAIN] [10 small, PLAIN]
  EXPECT_EQ(f.PageCount(PageType::kDataPage, Encoding::kRleDictionary), 1);
  EXPECT_EQ(f.PageCount(PageType::kDataPage, Encoding::kPlain), 2);
}

TEST(ColumnWriter, PlainPagesSplitAtPageBytes) {
  Column c(ColumnType::kInt64);
  for (int i = 0; i < 1000; ++i) c.AppendInt(i);
  ColumnWriterOptions o;
  o.page_bytes = 800;  // 100 values a page
  ColumnWriter w(Field{"i", ColumnType::kInt64}, o);
  w.Write(c, 0, 500);
  w.Write(c, 500, 1000);
  const Finished f = Finish(w);
  EXPECT_EQ(f.PageCount(PageType::kDataPage, Encoding::kPlain), 10);
  EXPECT_EQ(f.meta.statistics.null_count, 0);
  EXPECT_EQ(f.meta.dictionary_page_offset, -1);
}

TEST(ColumnWriter, AllNullStringChunkHasNoDictionaryAndNoMinMax) {
  Column c(ColumnType::kString);
  for (int i = 0; i < 100; ++i) c.AppendNull();
  ColumnWriter w(kString, ColumnWriterOptions{});
  w.Write(c, 0, c.size());
  const Finished f = Finish(w);
  EXPECT_EQ(f.meta.dictionary_page_offset, -1);
  EXPECT_EQ(f.meta.statistics.null_count, 100);
  EXPECT_FALSE(f.meta.statistics.has_min);
  EXPECT_FALSE(f.meta.statistics.has_max);
  EXPECT_EQ(f.PageCount(PageType::kDataPage, Encoding::kPlain), 1);
}

TEST(ColumnWriter, RejectsAColumnOfAnotherType) {
  Column c(ColumnType::kInt64);
  c.AppendInt(1);
  ColumnWriter w(kString, ColumnWriterOptions{});
  EXPECT_THROW(w.Write(c, 0, 1), Error);
}

// The level of a ZSTD column's pages is chosen by its first large page: level 3 where it pays
// (timestamps a few seconds apart: runs and near repeats), level 1 where it does not (random
// bits).
TEST(ColumnWriter, ZstdLevelIsChosenByTheColumnsFirstLargePage) {
  const Field kInt{"i", ColumnType::kInt64};
  ColumnWriterOptions o;
  o.compression = Compression::kZstd;
  Column steps(ColumnType::kInt64), noise(ColumnType::kInt64);
  uint64_t x = 88172645463325252ull, at = 1'700'000'000'000'000;
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
    noise.AppendInt(static_cast<int64_t>(x));
    at += (x % 4096) * 1000;  // a few ms apart, in microseconds
    steps.AppendInt(static_cast<int64_t>(at));
  }
  ColumnWriter dense(kInt, o), random(kInt, o);
  EXPECT_EQ(dense.values_zstd_level(), 0);
  dense.Write(steps, 0, steps.size());
  random.Write(noise, 0, noise.size());
  EXPECT_EQ(dense.values_zstd_level(), kDenseZstdPageLevel);
  EXPECT_EQ(random.values_zstd_level(), 1);
  EXPECT_EQ(random.indices_zstd_level(), 0);  // no dictionary pages
  const Finished f = Finish(dense);
  EXPECT_EQ(f.meta.num_values, 200000);
  EXPECT_EQ(f.meta.total_compressed_size, static_cast<int64_t>(f.bytes.size()));
}

TEST(StringDictionary, FindsAndRejects) {
  StringDictionary d;
  bool added;
  EXPECT_EQ(d.Insert("a", 100, &added), 0u);
  EXPECT_TRUE(added);
  EXPECT_EQ(d.Insert("bb", 100, &added), 1u);
  EXPECT_EQ(d.Insert("a", 100, &added), 0u);
  EXPECT_FALSE(added);
  EXPECT_EQ(d.Insert("", 100, &added), 2u);
  EXPECT_EQ(d.PlainBytes(), 4u + 1 + 4 + 2 + 4);
  EXPECT_EQ(d.Insert("too long", 10, &added), StringDictionary::kRejected);
  EXPECT_EQ(d.Insert("bb", 0, &added), 1u);  // present values are found whatever the limit
  // Growth keeps every entry findable.
  for (int i = 0; i < 5000; ++i) d.Insert("k" + std::to_string(i), 1 << 20, &added);
  for (int i = 0; i < 5000; ++i) {
    const uint32_t idx = d.Insert("k" + std::to_string(i), 0, &added);
    ASSERT_NE(idx, StringDictionary::kRejected);
    EXPECT_EQ(d.entry(idx), "k" + std::to_string(i));
  }
}

}  // namespace
}  // namespace bx::parquet
