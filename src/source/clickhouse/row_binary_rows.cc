#include "source/clickhouse/row_binary_rows.h"

#include <fmt/format.h>

#include <cstring>

#include "source/clickhouse/clickhouse_queries.h"

namespace bx {
namespace {

uint64_t LoadLe64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // x86-64 and arm64 are little-endian, as RowBinary is
}

}  // namespace

void FormatUuid(const char* bytes, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t halves[2] = {LoadLe64(bytes), LoadLe64(bytes + 8)};
  out.resize(36);
  size_t o = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out[o++] = '-';
    const uint64_t half = halves[i / 16];
    out[o++] = kHex[(half >> (60 - 4 * (i % 16))) & 0xF];
  }
}

RowBinaryRows::RowBinaryRows(ClickHouseClient& client, std::vector<std::string> queries,
                             std::vector<Wire> row, const std::atomic<bool>* cancel,
                             size_t max_row_bytes)
    : client_(client),
      queries_(std::move(queries)),
      cancel_(cancel),
      row_(std::move(row)),
      max_row_bytes_(max_row_bytes),
      values_(row_.size()),
      uuids_(row_.size()) {
  stream_ = StartNext();
  prefetched_ = StartNext();
}

std::unique_ptr<ClickHouseStream> RowBinaryRows::StartNext() {
  if (started_ == queries_.size()) return nullptr;
  return client_.Stream(queries_[started_++], cancel_);
}

bool RowBinaryRows::Next() {
  for (;;) {
    if (pos_ < buf_.size()) {
      if (static_cast<uint8_t>(buf_[pos_]) != kRowMarker) ThrowTail();
      if (TryParse()) return true;
    }
    if (buf_.size() - pos_ > max_row_bytes_) {
      throw Error(ErrorKind::kNonRetryable, "ClickHouseRowTooLarge",
                  fmt::format("{}: a row of more than {} MiB (or a response that is not "
                              "RowBinary); nothing this large can be exported",
                              client_.config().Describe(), max_row_bytes_ >> 20));
    }
    if (!Fill()) {
      if (pos_ == buf_.size()) return false;
      ThrowTail();
    }
  }
}

bool RowBinaryRows::Fill() {
  while (!stream_->Next(chunk_)) {
    // A response ends after a whole row; the next one, if any, is already on its way.
    if (pos_ != buf_.size() || !prefetched_) return false;
    stream_ = std::move(prefetched_);
    prefetched_ = StartNext();
  }
  if (pos_ == buf_.size()) {
    buf_.swap(chunk_);
  } else {
    buf_.erase(0, pos_);
    buf_.append(chunk_);
  }
  pos_ = 0;
  return true;
}

bool RowBinaryRows::TryParse() {
  const char* p = buf_.data() + pos_ + 1;
  const char* end = buf_.data() + buf_.size();
  for (size_t i = 0; i < row_.size(); ++i) {
    switch (row_[i]) {
      case Wire::kString: {
        uint64_t length = 0;
        int shift = 0;
        for (;;) {
          if (p == end || shift > 63) return false;
          const uint8_t byte = static_cast<uint8_t>(*p++);
          length |= static_cast<uint64_t>(byte & 0x7F) << shift;
          if (!(byte & 0x80)) break;
          shift += 7;
        }
        if (static_cast<uint64_t>(end - p) < length) return false;
        values_[i].text = std::string_view(p, length);
        p += length;
        break;
      }
      case Wire::kUuid:
        if (end - p < 16) return false;
        FormatUuid(p, uuids_[i]);
        values_[i].text = uuids_[i];
        p += 16;
        break;
      case Wire::kInt64: {
        if (end - p < 8) return false;
        values_[i].number = static_cast<int64_t>(LoadLe64(p));
        p += 8;
        break;
      }
      case Wire::kUInt8:
        if (p == end) return false;
        values_[i].number = static_cast<uint8_t>(*p++);
        break;
    }
  }
  pos_ = static_cast<size_t>(p - buf_.data());
  return true;
}

void RowBinaryRows::ThrowTail() {
  // What is left: the server's error text (ClickHouse writes it after the rows it sent), or a
  // response that stopped inside a row.
  std::string tail = buf_.substr(pos_, 64 << 10);
  while (tail.size() < (64 << 10) && stream_->Next(chunk_)) tail.append(chunk_);
  const ClickHouseConfig& config = client_.config();
  if (tail.find("Code: ") != std::string::npos) throw ClickHouseErrorOf(200, tail, config);
  throw Error(ErrorKind::kRetryable, "ClickHouseUnavailable",
              config.Describe() + ": the response ended inside a row (" +
                  std::to_string(buf_.size() - pos_) + " bytes of it)");
}

}  // namespace bx
