#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/strings.h"

namespace bx::sample {

// ---------------------------------------------------------------------------------------------
// Compact JSON written into a reused buffer through a cursor: std::string::append per token
// was the generator's main cost. Commas are inferred from the previous byte.

class JsonWriter {
 public:
  // `buffer` is storage kept across rows (grown, never shrunk); `escaped` is scratch.
  JsonWriter(std::string& buffer, std::string& escaped) : buf_(buffer), escaped_(escaped) {}

  // Copies the document into `out`, reusing its capacity.
  void CopyTo(std::string& out) const { out.assign(buf_.data(), pos_); }

  void Begin() { Put('{'); }
  void End() { Put('}'); }
  void BeginObject(std::string_view key) {
    Key(key);
    Put('{');
  }
  void BeginArray(std::string_view key) {
    Key(key);
    Put('[');
  }
  void BeginElementObject() {
    Separator();
    Put('{');
  }
  void EndArray() { Put(']'); }
  // Any text: escaped.
  void Str(std::string_view key, std::string_view value) {
    escaped_.clear();
    AppendJsonEscaped(value, escaped_);
    Raw(key, escaped_);
  }
  // Text known to need no escaping: pool values (checked by static_assert above), hex ids.
  void Raw(std::string_view key, std::string_view value) {
    Key(key);
    char* p = Grab(value.size() + 2);
    p[0] = '"';
    std::memcpy(p + 1, value.data(), value.size());
    p[value.size() + 1] = '"';
  }
  void Int(std::string_view key, int64_t value) {
    Key(key);
    Number(value);
  }
  // 1450 -> 14.50
  void Cents(std::string_view key, int64_t cents) {
    Key(key);
    Number(cents / 100);
    char* p = Grab(3);
    p[0] = '.';
    p[1] = static_cast<char>('0' + cents % 100 / 10);
    p[2] = static_cast<char>('0' + cents % 10);
  }
  void Bool(std::string_view key, bool value) {
    Key(key);
    Put(value ? std::string_view("true") : std::string_view("false"));
  }
  void Null(std::string_view key) {
    Key(key);
    Put("null");
  }
  // An array element known to need no escaping.
  void RawElement(std::string_view value) {
    Separator();
    Put('"');
    Put(value);
    Put('"');
  }
  // Keys are ASCII names from this file (or built from checked pool values): no escaping.
  void Key(std::string_view key) {
    const char last = buf_[pos_ - 1];
    const bool comma = last != '{' && last != '[';
    char* p = Grab(key.size() + 3 + comma);
    if (comma) *p++ = ',';
    p[0] = '"';
    std::memcpy(p + 1, key.data(), key.size());
    p[key.size() + 1] = '"';
    p[key.size() + 2] = ':';
  }

 private:
  // Room for `n` more bytes; the buffer only grows while warming up.
  char* Grab(size_t n) {
    if (buf_.size() - pos_ < n) buf_.resize(std::max(2 * buf_.size(), pos_ + n + 1024));
    char* p = buf_.data() + pos_;
    pos_ += n;
    return p;
  }
  void Put(char c) { *Grab(1) = c; }
  void Put(std::string_view text) { std::memcpy(Grab(text.size()), text.data(), text.size()); }
  void Separator() {
    const char last = buf_[pos_ - 1];
    if (last != '{' && last != '[') Put(',');
  }
  void Number(int64_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    Put(std::string_view(digits, result.ptr - digits));
  }

  std::string& buf_;
  std::string& escaped_;
  size_t pos_ = 0;
};

}  // namespace bx::sample
