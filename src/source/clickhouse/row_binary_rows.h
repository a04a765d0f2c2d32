#pragma once
// Rows of RowBinary responses (clickhouse_queries.h), parsed as they stream in: one query's,
// or several queries' one after the other, the next one sent while the one before is read (so
// the server sorts a piece while the rows of the piece before it are exported). Each row starts
// with kRowMarker; anything else where a row should start is the server's error text, which
// ends the response: it is thrown as the error it names.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "source/clickhouse/clickhouse_client.h"

namespace bx {

// The wire types the queries select (after the marker byte).
enum class Wire { kString, kUuid, kInt64, kUInt8 };

struct WireValue {
  std::string_view text;  // kString; kUuid as its 36-character text
  int64_t number = 0;     // kInt64, kUInt8
};

class RowBinaryRows {
 public:
  // `cancel`: the run's flag (ClickHouseStream). A row larger than `max_row_bytes` (or a length
  // that claims so) is an error, not a reason to buffer without end.
  RowBinaryRows(ClickHouseClient& client, std::vector<std::string> queries, std::vector<Wire> row,
                const std::atomic<bool>* cancel, size_t max_row_bytes = kMaxRowBytes);

  static constexpr size_t kMaxRowBytes = 256 << 20;

  // Parses the next row; false at the end of the response. The values' text stays valid until
  // the next call. Throws bx::Error for a server error or a response cut short.
  bool Next();
  const WireValue& operator[](size_t i) const { return values_[i]; }

 private:
  bool TryParse();  // the row at pos_, if all of it is in buf_
  bool Fill();      // appends the next chunk; false at the end of the last response
  std::unique_ptr<ClickHouseStream> StartNext();  // the next query's stream, or null
  [[noreturn]] void ThrowTail();

  ClickHouseClient& client_;
  std::vector<std::string> queries_;
  size_t started_ = 0;
  const std::atomic<bool>* cancel_;
  std::unique_ptr<ClickHouseStream> stream_, prefetched_;
  std::vector<Wire> row_;
  std::string buf_, chunk_;
  size_t pos_ = 0;
  size_t max_row_bytes_;
  std::vector<WireValue> values_;
  std::vector<std::string> uuids_;  // per column, the text a kUuid value points into
};

// The 36-character text of a UUID's 16 RowBinary bytes (two little-endian UInt64s, the high
// half first).
void FormatUuid(const char* bytes, std::string& out);

}  // namespace bx
