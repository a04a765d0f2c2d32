#include "format/parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "base/error.h"
#include "compress/block_codec.h"
#include "format/parquet/rle.h"

namespace bx::parquet {
namespace {

// Buffers a page passes through on its way into the chunk, empty between calls: one set per
// thread rather than per column, which spares a few MiB per column of a wide row group (a
// compressed dictionary or page each; issue #19's memory goal).
struct PageScratch {
  std::string body;        // a page body being assembled
  std::string compressed;  // the stored form of a body
  std::string trial;       // the page at the dense level while the level is being chosen
};

PageScratch& ThreadScratch() {
  thread_local PageScratch scratch;
  return scratch;
}

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding is little endian; values are copied as they are in memory");

// A page's row count is an i32 in its header; stay far below.
constexpr size_t kMaxPageRows = 1 << 20;
constexpr uint64_t kFirstPageBytes = 16 << 10;

Error Internal(const std::string& what) {
  return Error(ErrorKind::kInternal, "InternalError", "parquet: " + what);
}

int32_t CheckedI32(uint64_t v, const char* what) {
  if (v > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    throw Internal(std::string(what) + " exceeds 2 GiB");
  }
  return static_cast<int32_t>(v);
}

void AppendU32(uint32_t v, std::string& out) { out.append(reinterpret_cast<const char*>(&v), 4); }

int DictionaryBitWidth(size_t dict_size) {
  // At least 1: a zero bit width is legal but not every reader handles it.
  return std::max(1, BitWidth(dict_size > 0 ? dict_size - 1 : 0));
}

}  // namespace

ColumnWriter::ColumnWriter(const Field& field, const ColumnWriterOptions& options)
    : field_(field), physical_(PhysicalTypeOf(field.type)), options_(options) {
  if (options_.page_bytes == 0) options_.page_bytes = 1;
  page_limit_ = std::min(options_.page_bytes, kFirstPageBytes);
  values_.reserve(std::min<uint64_t>(options_.page_bytes, 64 << 20) + kHeadroom + 64);
  pages_.reserve(std::min<uint64_t>(options_.reserve_chunk_bytes, 1ull << 30));
  ResetChunk();
}

void ColumnWriter::ResetChunk() {
  levels_.clear();
  page_nulls_ = 0;
  values_.assign(kHeadroom, '\0');
  indices_.clear();
  dict_.Clear();
  dict_used_ = false;
  chunk_dict_sampled_ = 0;
  pages_.clear();
  chunk_rows_ = chunk_nulls_ = chunk_non_null_ = chunk_plain_bytes_ = 0;
  chunk_uncompressed_ = chunk_compressed_ = 0;
  plain_pages_ = dict_pages_ = 0;
  int_stats_.Reset();
  string_stats_.Reset();
  mode_ = physical_ == PhysicalType::kByteArray ? Mode::kDictionary : Mode::kPlain;
}

void ColumnWriter::Write(const Column& column, size_t begin, size_t end) {
  if (column.type() != field_.type) throw Internal("column type differs from the schema");
  if (end > column.size() || begin > end) throw Internal("row range out of bounds");
  switch (physical_) {
    case PhysicalType::kInt64:
      WriteInts(column, begin, end);
      break;
    case PhysicalType::kBoolean:
      WriteBools(column, begin, end);
      break;
    case PhysicalType::kByteArray:
      if (mode_ == Mode::kDictionary) {
        WriteStringsDictionary(column, begin, end);
      } else {
        WriteStringsPlain(column, begin, end, begin);
      }
      break;
  }
  if (levels_.size() >= kMaxPageRows) FlushPage();
}

void ColumnWriter::AppendLevels(const uint8_t* valid, size_t from, size_t to) {
  if (from >= to) return;
  levels_.insert(levels_.end(), valid + from, valid + to);
  size_t set = 0;
  for (size_t i = from; i < to; ++i) set += valid[i];
  page_nulls_ += (to - from) - set;
}

void ColumnWriter::WriteInts(const Column& c, size_t begin, size_t end) {
  const int64_t* v = c.ints().data();
  const uint8_t* valid = c.validity().data();
  size_t row = begin;
  if (c.null_count() == 0) {
    // No nulls in the batch: copy runs of values at once.
    while (row < end) {
      const size_t cap = std::max<uint64_t>(1, PageLimit() / 8);
      const size_t in_page = ValueBytes() / 8;
      const size_t n = std::min(cap - std::min(cap, in_page), end - row);
      if (n > 0) {
        values_.append(reinterpret_cast<const char*>(v + row), n * 8);
        int64_t lo = v[row], hi = v[row];
        for (size_t i = row + 1; i < row + n; ++i) {
          lo = std::min(lo, v[i]);
          hi = std::max(hi, v[i]);
        }
        int_stats_.UpdateRange(lo, hi);
        chunk_non_null_ += n;
        AppendLevels(valid, row, row + n);
        row += n;
      }
      if (ValueBytes() / 8 >= cap) FlushPage();
    }
    return;
  }
  size_t level_from = row;
  for (; row < end; ++row) {
    if (!valid[row]) continue;
    values_.append(reinterpret_cast<const char*>(v + row), 8);
    int_stats_.Update(v[row]);
    ++chunk_non_null_;
    if (ValueBytes() >= PageLimit()) {
      AppendLevels(valid, level_from, row + 1);
      level_from = row + 1;
      FlushPage();
    }
  }
  AppendLevels(valid, level_from, end);
}

void ColumnWriter::WriteBools(const Column& c, size_t begin, size_t end) {
  const int64_t* v = c.ints().data();
  const uint8_t* valid = c.validity().data();
  size_t level_from = begin;
  for (size_t row = begin; row < end; ++row) {
    if (!valid[row]) continue;
    const bool b = v[row] != 0;
    values_.push_back(static_cast<char>(b));
    int_stats_.Update(b);
    ++chunk_non_null_;
    if (ValueBytes() >= PageLimit() * 8) {  // one bit per value
      AppendLevels(valid, level_from, row + 1);
      level_from = row + 1;
      FlushPage();
    }
  }
  AppendLevels(valid, level_from, end);
}

bool ColumnWriter::DictionaryPays() const {
  const uint64_t index_bits = std::bit_width(std::max<uint64_t>(dict_.size() - 1, 1));
  const uint64_t encoded = dict_.PlainBytes() + (chunk_non_null_ * index_bits + 7) / 8;
  return static_cast<double>(encoded) <=
         options_.max_dictionary_size_ratio * static_cast<double>(chunk_plain_bytes_);
}

void ColumnWriter::WriteStringsDictionary(const Column& c, size_t begin, size_t end) {
  const uint8_t* valid = c.validity().data();
  const uint64_t* off = c.offsets().data();
  const char* data = c.data().data();
  size_t level_from = begin;
  for (size_t row = begin; row < end; ++row) {
    if (!valid[row]) continue;
    const std::string_view s(data + off[row], off[row + 1] - off[row]);
    bool added;
    const uint32_t idx = dict_.Insert(s, options_.dictionary_bytes, &added);
    if (idx == StringDictionary::kRejected) {  // the dictionary page would grow too large
      FallBackToPlain(c, row, end, level_from);
      return;
    }
    // Every distinct value passes here once: enough for min/max.
    if (added) string_stats_.Update(s);
    indices_.push_back(idx);
    ++chunk_non_null_;
    chunk_plain_bytes_ += 4 + s.size();
    if ((chunk_non_null_ == options_.early_check_values &&
         static_cast<double>(dict_.size()) >
             options_.early_max_distinct_ratio * static_cast<double>(chunk_non_null_)) ||
        (chunk_non_null_ == options_.cardinality_check_values && !DictionaryPays())) {
      FallBackToPlain(c, row + 1, end, level_from);
      return;
    }
    if ((indices_.size() & 1023) == 0 && OpenPageBytes() >= PageLimit()) {
      AppendLevels(valid, level_from, row + 1);
      level_from = row + 1;
      FlushPage();
    }
  }
  AppendLevels(valid, level_from, end);
}

void ColumnWriter::FallBackToPlain(const Column& c, size_t row, size_t end, size_t level_from) {
  // Pages written so far keep their dictionary indices (and the dictionary page stays); the rest
  // of the chunk is PLAIN.
  AppendLevels(c.validity().data(), level_from, row);
  FlushPage();
  mode_ = Mode::kPlain;
  WriteStringsPlain(c, row, end, row);
}

void ColumnWriter::WriteStringsPlain(const Column& c, size_t row, size_t end, size_t level_from) {
  const uint8_t* valid = c.validity().data();
  const uint64_t* off = c.offsets().data();
  const char* data = c.data().data();
  for (; row < end; ++row) {
    const uint64_t page_bytes = PageLimit();
    if (!valid[row]) continue;
    const std::string_view s(data + off[row], off[row + 1] - off[row]);
    if (ValueBytes() > 0 && ValueBytes() + 4 + s.size() > page_bytes) {
      AppendLevels(valid, level_from, row);
      level_from = row;
      FlushPage();
    }
    AppendU32(static_cast<uint32_t>(CheckedI32(s.size(), "a string value")), values_);
    values_.append(s);
    string_stats_.Update(s);
    ++chunk_non_null_;
    if (ValueBytes() >= page_bytes) {  // full, or one value larger than a page: on its own
      AppendLevels(valid, level_from, row + 1);
      level_from = row + 1;
      FlushPage();
    }
  }
  AppendLevels(valid, level_from, end);
}

uint64_t ColumnWriter::OpenPageBytes() const {
  const uint64_t levels = levels_.size() / 8 + 8;
  if (!indices_.empty()) {
    return levels + (indices_.size() * DictionaryBitWidth(dict_.size()) + 7) / 8 + 1;
  }
  if (physical_ == PhysicalType::kBoolean) return levels + (ValueBytes() + 7) / 8;
  return levels + ValueBytes();
}

uint64_t ColumnWriter::BufferedUncompressedBytes() const {
  return chunk_uncompressed_ + OpenPageBytes() + dict_.PlainBytes();
}

uint64_t ColumnWriter::EstimatedCompressedBytes(double default_ratio) const {
  auto ratio = [default_ratio](uint64_t in, uint64_t out) {
    return in == 0 ? default_ratio : static_cast<double>(out) / static_cast<double>(in);
  };
  const double pages = ratio(file_body_uncompressed_, file_body_compressed_);
  const double dictionary =
      file_dict_sampled_ == 0 ? pages : ratio(file_dict_sampled_, file_dict_sampled_compressed_);
  return chunk_compressed_ +
         static_cast<uint64_t>(static_cast<double>(OpenPageBytes()) * pages +
                               static_cast<double>(dict_.PlainBytes()) * dictionary);
}

void ColumnWriter::SampleDictionary() {
  constexpr uint64_t kSampleBytes = 16 << 10;
  // A prefix of the new entries is sample enough: compressing all of them (MiBs of person
  // properties at once) cost CPU and a scratch buffer of their size on every lane.
  constexpr uint64_t kMaxSampleBytes = 256 << 10;
  const std::string& plain = dict_.plain();
  if (options_.compression == Compression::kNone ||
      plain.size() - chunk_dict_sampled_ < kSampleBytes) {
    return;
  }
  const std::string_view sample(plain.data() + chunk_dict_sampled_,
                                std::min(plain.size() - chunk_dict_sampled_, kMaxSampleBytes));
  std::string& compressed = ThreadScratch().compressed;
  compressed.clear();
  CompressBlock(options_.compression, sample, compressed, zstd_levels_[0]);
  file_dict_sampled_ += sample.size();
  file_dict_sampled_compressed_ += compressed.size();
  chunk_dict_sampled_ = plain.size();
}

void ColumnWriter::FlushPage() {
  const size_t n = levels_.size();
  if (n == 0) return;
  levels_buf_.assign(4, '\0');
  EncodeDefinitionLevels(levels_.data(), n, page_nulls_, levels_buf_);
  const uint32_t levels_len = static_cast<uint32_t>(levels_buf_.size() - 4);
  std::memcpy(levels_buf_.data(), &levels_len, 4);  // v1 pages prefix levels with their length

  std::string& body = ThreadScratch().body;
  if (mode_ == Mode::kDictionary) {
    // All values of this page are dictionary indices (none when the page has only nulls and the
    // dictionary is still empty: then the page is PLAIN with no values).
    body.assign(levels_buf_);
    Encoding enc = Encoding::kPlain;
    if (dict_.size() > 0) {
      enc = Encoding::kRleDictionary;
      const int width = DictionaryBitWidth(dict_.size());
      body.push_back(static_cast<char>(width));
      RleEncoder rle(width, &body);
      for (uint32_t idx : indices_) rle.Put(idx);
      rle.Flush();
      dict_used_ = true;
    }
    EmitDataPage(body, n, enc);
    SampleDictionary();
  } else if (physical_ == PhysicalType::kBoolean) {
    body.assign(levels_buf_);
    const char* bits = values_.data() + kHeadroom;
    const size_t count = ValueBytes();
    for (size_t i = 0; i < count; i += 8) {
      uint8_t byte = 0;
      for (size_t j = 0; j < 8 && i + j < count; ++j)
        byte |= static_cast<uint8_t>(bits[i + j]) << j;
      body.push_back(static_cast<char>(byte));
    }
    EmitDataPage(body, n, Encoding::kPlain);
  } else if (levels_buf_.size() <= kHeadroom) {
    // Put the levels right in front of the values: no copy of the values.
    char* start = values_.data() + kHeadroom - levels_buf_.size();
    std::memcpy(start, levels_buf_.data(), levels_buf_.size());
    EmitDataPage(std::string_view(start, values_.size() - (start - values_.data())), n,
                 Encoding::kPlain);
  } else {
    body.assign(levels_buf_);
    body.append(values_, kHeadroom);
    EmitDataPage(body, n, Encoding::kPlain);
  }

  chunk_rows_ += n;
  chunk_nulls_ += page_nulls_;
  page_limit_ = std::min(options_.page_bytes, page_limit_ * 2);
  levels_.clear();
  page_nulls_ = 0;
  values_.resize(kHeadroom);
  indices_.clear();
}

std::string_view ColumnWriter::Compress(std::string_view body, bool indices) {
  if (options_.compression == Compression::kNone) return body;
  int& level = zstd_levels_[indices ? 1 : 0];
  std::string& compressed = ThreadScratch().compressed;
  compressed.clear();
  CompressBlock(options_.compression, body, compressed, level);
  if (options_.compression == Compression::kZstd && level == 0 && body.size() >= kZstdTrialBytes) {
    // The column's first large page of values (or of dictionary indices) decides their level
    // for the file: ids repeated at random distances (person_id, distinct_id) are ~10 % smaller
    // at level 3, where properties gain 2 % for twice the CPU and random uuids lose (issue #19's
    // note). The data alone decides, so the file is the same on every run.
    std::string& trial = ThreadScratch().trial;
    trial.clear();
    CompressBlock(options_.compression, body, trial, kDenseZstdPageLevel);
    const bool dense = trial.size() * 100 <= compressed.size() * (100 - kZstdTrialGainPercent);
    level = dense ? kDenseZstdPageLevel : 1;
    if (dense) compressed.swap(trial);
  }
  return compressed;
}

void ColumnWriter::EmitDataPage(std::string_view body, size_t num_values, Encoding enc) {
  const std::string_view data = Compress(body, enc == Encoding::kRleDictionary);
  header_.clear();
  AppendDataPageHeader(CheckedI32(body.size(), "a page"), CheckedI32(data.size(), "a page"),
                       CheckedI32(num_values, "a page's row count"), enc, header_);
  pages_.append(header_);
  pages_.append(data);
  chunk_uncompressed_ += header_.size() + body.size();
  chunk_compressed_ += header_.size() + data.size();
  file_body_uncompressed_ += body.size();
  file_body_compressed_ += data.size();
  (enc == Encoding::kRleDictionary ? dict_pages_ : plain_pages_) += 1;
}

void ColumnWriter::FinishChunk(const std::function<void(std::string_view)>& write,
                               ColumnChunkMeta* meta) {
  FlushPage();
  ColumnChunkMeta& m = *meta;
  m = ColumnChunkMeta{};
  m.type = physical_;
  m.path = field_.name;
  m.codec = CodecOf(options_.compression);
  m.num_values = static_cast<int64_t>(chunk_rows_);

  uint64_t dict_size = 0;
  if (dict_used_) {
    const std::string& plain = dict_.plain();
    const std::string_view data = Compress(plain, /*indices=*/false);
    header_.clear();
    AppendDictionaryPageHeader(CheckedI32(plain.size(), "a dictionary page"),
                               CheckedI32(data.size(), "a dictionary page"),
                               CheckedI32(dict_.size(), "a dictionary"), header_);
    m.dictionary_page_offset = 0;
    dict_size = header_.size() + data.size();
    m.total_uncompressed_size += header_.size() + plain.size();
    m.total_compressed_size += dict_size;
    file_body_uncompressed_ += plain.size();
    file_body_compressed_ += data.size();
    write(header_);
    write(data);
    m.encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  }
  m.data_page_offset = static_cast<int64_t>(dict_size);
  m.total_uncompressed_size += chunk_uncompressed_;
  m.total_compressed_size += chunk_compressed_;
  write(pages_);

  // PLAIN appears for the dictionary page or PLAIN data pages; RLE for the definition levels.
  if (dict_used_ || plain_pages_ > 0) m.encodings.push_back(Encoding::kPlain);
  m.encodings.push_back(Encoding::kRle);
  if (dict_pages_ > 0) m.encodings.push_back(Encoding::kRleDictionary);
  if (dict_pages_ > 0) {
    m.encoding_stats.push_back({PageType::kDataPage, Encoding::kRleDictionary, dict_pages_});
  }
  if (plain_pages_ > 0) {
    m.encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_pages_});
  }

  const auto nulls = static_cast<int64_t>(chunk_nulls_);
  switch (physical_) {
    case PhysicalType::kInt64:
      m.statistics = int_stats_.Encode(nulls, 8);
      break;
    case PhysicalType::kBoolean:
      m.statistics = int_stats_.Encode(nulls, 1);
      break;
    case PhysicalType::kByteArray:
      m.statistics = string_stats_.Encode(nulls);
      break;
  }
  ResetChunk();
}

}  // namespace bx::parquet
