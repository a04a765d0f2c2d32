#include "server/lz_string.h"

#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "base/error.h"
#include "base/strings.h"
#include "server/api_error.h"

namespace bx {
namespace {

constexpr int kCharBits = 6;  // base64: the stream's bits, most significant first in each char
constexpr int kMaxCodeBits = 40;

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == ' ') return 62;
  if (c == '/') return 63;
  if (c == '=') return 0;  // padding: its bits are never part of a code
  return -1;
}

class BitReader {
 public:
  explicit BitReader(std::string_view text) : text_(text) {}

  // The next `n` bits, the first read being the least significant. Past the end of the text the
  // stream reads as zeros (the caller checks `exhausted()` once per code).
  uint64_t Read(int n) {
    uint64_t value = 0;
    for (int i = 0; i < n; ++i) {
      if (bit_ == 0) {
        current_ = next_ < text_.size() ? Value(next_) : 0;
        ++next_;
        bit_ = kCharBits;
      }
      --bit_;
      if ((current_ >> bit_) & 1) value |= uint64_t{1} << i;
    }
    return value;
  }

  // True once every bit of every character was read (the format checks this before each code).
  bool exhausted() const { return next_ > text_.size() || (next_ == text_.size() && bit_ == 0); }

 private:
  int Value(size_t at) const {
    const int v = Base64Value(text_[at]);
    if (v < 0) {
      throw InvalidArgument("data", fmt::format("lz64: character {} is not base64 (byte 0x{:02x})",
                                                at, static_cast<unsigned char>(text_[at])));
    }
    return v;
  }

  std::string_view text_;
  size_t next_ = 0;  // the next character to read
  int current_ = 0;  // the value of the character being read
  int bit_ = 0;      // bits of `current_` not yet read
};

struct Span {
  size_t offset = 0;
  size_t length = 0;
};

std::string ToUtf8(const std::u16string& units, size_t max_bytes) {
  std::string out;
  out.reserve(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    uint32_t cp = units[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (units[i + 1] - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    AppendUtf8(cp, out);
    if (out.size() > max_bytes) {
      throw PayloadTooLargeError(
          fmt::format("the lz64 data decompresses to more than {} bytes", max_bytes));
    }
  }
  return out;
}

}  // namespace

std::string DecompressLz64(std::string_view text, size_t max_bytes) {
  if (text.empty()) throw InvalidArgument("data", "lz64: the data is empty");
  BitReader in(text);
  // Each UTF-16 unit is at least one UTF-8 byte, so the units are capped by the byte limit too.
  std::u16string out;
  auto too_large = [max_bytes] {
    return PayloadTooLargeError(
        fmt::format("the lz64 data decompresses to more than {} bytes", max_bytes));
  };

  // Codes 0-2 are the literal and end markers; entries start at 3.
  std::vector<Span> dict(3);
  auto literal = [&](uint64_t code) -> Span {
    const uint64_t unit = in.Read(code == 0 ? 8 : 16);
    if (out.size() + 1 > max_bytes) throw too_large();
    const Span s{out.size(), 1};
    out.push_back(static_cast<char16_t>(unit));
    return s;
  };

  const uint64_t first = in.Read(2);
  if (first == 2) throw InvalidArgument("data", "lz64: the data holds no text");
  if (first == 3) throw InvalidArgument("data", "lz64: the data does not start with a literal");
  Span w = literal(first);
  dict.push_back(w);

  int bits = 3;             // the width of the next code
  uint64_t enlarge_in = 4;  // codes left before the width grows
  auto count_code = [&] {
    if (--enlarge_in == 0) {
      enlarge_in = uint64_t{1} << bits;
      if (++bits > kMaxCodeBits) throw InvalidArgument("data", "lz64: the dictionary is too large");
    }
  };

  while (true) {
    if (in.exhausted()) throw InvalidArgument("data", "lz64: the data ends without its end code");
    const uint64_t code = in.Read(bits);
    Span entry;
    if (code == 2) break;
    if (code < 2) {
      entry = literal(code);
      dict.push_back(entry);
      count_code();
    } else if (code < dict.size()) {
      const Span from = dict[code];
      if (out.size() + from.length > max_bytes) throw too_large();
      entry = {out.size(), from.length};
      // Appending a range of `out` to itself: by index, since the buffer may move.
      for (size_t i = 0; i < from.length; ++i) out.push_back(out[from.offset + i]);
    } else if (code == dict.size()) {
      // The entry being defined: the previous output and its own first unit.
      if (out.size() + w.length + 1 > max_bytes) throw too_large();
      entry = {out.size(), w.length + 1};
      for (size_t i = 0; i < w.length; ++i) out.push_back(out[w.offset + i]);
      out.push_back(out[w.offset]);
    } else {
      throw InvalidArgument("data", fmt::format("lz64: code {} names no dictionary entry (of {})",
                                                code, dict.size()));
    }
    // The previous output followed by this one's first unit: contiguous in `out`.
    dict.push_back({w.offset, w.length + 1});
    count_code();
    w = entry;
  }
  return ToUtf8(out, max_bytes);
}

}  // namespace bx
