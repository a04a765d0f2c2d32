#pragma once
// What the fuzz targets share: a check that aborts with a message (libFuzzer then saves the input
// as a crash), and the validators their invariants use.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

// Aborts with `what` when `cond` is false; the message is the finding's first line.
#define FUZZ_CHECK(cond, what)                                                                  \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n  %s\n", __FILE__, __LINE__, #cond, \
                   std::string(what).c_str());                                                  \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

namespace bx::fuzz {

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
inline bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// True when `text` is one JSON text by RFC 8259's grammar (any number, however large, as the
// grammar allows; only space, tab, CR and LF as whitespace), in valid UTF-8, with no raw control
// character in a string, no invalid escape, no unpaired surrogate escape, and no NUL (neither
// raw nor \u0000) unless `allow_nul`. Iterative: any depth is fine. Written here rather than
// borrowed from a parser so that it holds no parser's limits or leniencies.
inline bool IsCleanJson(std::string_view s, bool allow_nul = false) {
  if (!IsUtf8(s)) return false;
  const size_t n = s.size();
  size_t i = 0;
  std::vector<char> stack;  // the closing bracket of each open container
  auto ws = [&] {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  };
  auto hex4 = [&](size_t at) {
    if (at + 4 > n) return -1;
    int v = 0;
    for (size_t k = at; k < at + 4; ++k) {
      const char c = s[k];
      const int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  };
  auto string = [&] {  // at the opening quote
    ++i;
    while (i < n) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '"') {
        ++i;
        return true;
      }
      if (c < 0x20) return false;
      if (c != '\\') {
        ++i;
        continue;
      }
      if (i + 1 >= n) return false;
      const char e = s[i + 1];
      if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
          e == 't') {
        i += 2;
        continue;
      }
      if (e != 'u') return false;
      const int cp = hex4(i + 2);
      i += 6;
      if (cp < 0 || (cp == 0 && !allow_nul) || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (i + 2 > n || s[i] != '\\' || s[i + 1] != 'u') return false;
        const int low = hex4(i + 2);
        if (low < 0xDC00 || low > 0xDFFF) return false;
        i += 6;
      }
    }
    return false;
  };
  auto digits = [&] {
    const size_t from = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  auto number = [&] {
    if (i < n && s[i] == '-') ++i;
    if (i < n && s[i] == '0') {
      ++i;
    } else if (!digits()) {
      return false;
    }
    if (i < n && s[i] == '.' && (++i, !digits())) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
      if (!digits()) return false;
    }
    return true;
  };
  auto literal = [&](std::string_view word) {
    if (s.substr(i, word.size()) != word) return false;
    i += word.size();
    return true;
  };
  auto key = [&] {
    ws();
    if (i >= n || s[i] != '"' || !string()) return false;
    ws();
    if (i >= n || s[i] != ':') return false;
    ++i;
    return true;
  };
  for (;;) {
    ws();  // a value comes next
    if (i >= n) return false;
    const char c = s[i];
    bool complete = true;
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i;
      ws();
      if (i < n && s[i] == close) {
        ++i;
      } else {
        stack.push_back(close);
        if (close == '}' && !key()) return false;
        complete = false;
      }
    } else if (!(c == '"'   ? string()
                 : c == 't' ? literal("true")
                 : c == 'f' ? literal("false")
                 : c == 'n' ? literal("null")
                            : number())) {
      return false;
    }
    if (!complete) continue;
    for (;;) {  // after a value: close containers up to the next value or the end
      ws();
      if (stack.empty()) return i == n;
      if (i >= n) return false;
      const char d = s[i++];
      if (d == ',') {
        if (stack.back() == '}' && !key()) return false;
        break;
      }
      if (d != stack.back()) return false;
      stack.pop_back();
    }
  }
}

}  // namespace bx::fuzz
