#include "base/time.h"

#include <cstring>

#include "base/error.h"

namespace bx {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

inline void Put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

void WriteIsoSeconds(const CivilUtc& c, char* p) {
  Put2(p, c.year / 100);
  Put2(p + 2, c.year % 100);
  p[4] = '-';
  Put2(p + 5, c.month);
  p[7] = '-';
  Put2(p + 8, c.day);
  p[10] = 'T';
  Put2(p + 11, c.hour);
  p[13] = ':';
  Put2(p + 14, c.minute);
  p[16] = ':';
  Put2(p + 17, c.second);
}

}  // namespace

CivilUtc ToCivilUtc(Micros t) {
  const int64_t secs = FloorDiv(t, kMicrosPerSecond);
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  CivilUtc c{};
  CivilFromDays(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>(sod / 60 % 60);
  c.second = static_cast<int>(sod % 60);
  c.micros = static_cast<int>(t - secs * kMicrosPerSecond);
  return c;
}

Micros FromCivilUtc(int year, int month, int day, int hour, int minute, int second) {
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 86400) + hour * 3600 + minute * 60 + second) * kMicrosPerSecond;
}

void WriteIsoMicros(Micros t, char* p) {
  const CivilUtc c = ToCivilUtc(t);
  WriteIsoSeconds(c, p);
  p[19] = '.';
  int f = c.micros;
  for (int i = 25; i >= 20; --i) {
    p[i] = static_cast<char>('0' + f % 10);
    f /= 10;
  }
  std::memcpy(p + 26, "+00:00", 6);
}

void IsoMicrosWriter::Write(Micros t, char* out) {
  const int64_t second = FloorDiv(t, kMicrosPerSecond);
  if (second != second_) {
    WriteIsoSeconds(ToCivilUtc(second * kMicrosPerSecond), prefix_);
    second_ = second;
  }
  std::memcpy(out, prefix_, sizeof prefix_);
  out[19] = '.';
  int f = static_cast<int>(t - second * kMicrosPerSecond);
  for (int i = 25; i >= 20; --i) {
    out[i] = static_cast<char>('0' + f % 10);
    f /= 10;
  }
  std::memcpy(out + 26, "+00:00", 6);
}

std::string FormatIsoMicros(Micros t) {
  std::string s(kIsoMicrosLength, '\0');
  WriteIsoMicros(t, s.data());
  return s;
}

std::string FormatIso(Micros t) {
  const CivilUtc c = ToCivilUtc(t);
  if (c.micros != 0) return FormatIsoMicros(t);
  std::string s(25, '\0');
  WriteIsoSeconds(c, s.data());
  std::memcpy(s.data() + 19, "+00:00", 6);
  return s;
}

bool IsDateOnly(std::string_view text) {
  return text.size() == 10 && text[4] == '-' && text[7] == '-';
}

Micros ParseIsoTime(std::string_view text, const std::string& field) {
  auto fail = [&]() -> Error {
    return InvalidArgument(field, "'" + std::string(text) +
                                      "' is not an ISO 8601 time; use 2024-01-15 or "
                                      "2024-01-15T00:00:00Z");
  };
  size_t pos = 0;
  auto number = [&](size_t digits) {
    if (pos + digits > text.size()) throw fail();
    int v = 0;
    for (size_t i = 0; i < digits; ++i) {
      const char ch = text[pos + i];
      if (ch < '0' || ch > '9') throw fail();
      v = v * 10 + (ch - '0');
    }
    pos += digits;
    return v;
  };
  auto expect = [&](char ch) {
    if (pos >= text.size() || text[pos] != ch) throw fail();
    ++pos;
  };
  const int year = number(4);
  expect('-');
  const int month = number(2);
  expect('-');
  const int day = number(2);
  int hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') throw fail();
    ++pos;
    hour = number(2);
    expect(':');
    minute = number(2);
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      second = number(2);
    }
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 6) micros = micros * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) throw fail();
      for (; digits < 6; ++digits) micros *= 10;
    }
    if (pos < text.size()) {
      const char sign = text[pos];
      if (sign == 'Z' || sign == 'z') {
        ++pos;
      } else if (sign == '+' || sign == '-') {
        ++pos;
        const int oh = number(2);
        if (pos < text.size() && text[pos] == ':') ++pos;
        const int om = number(2);
        offset_seconds = (sign == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      } else {
        throw fail();
      }
    }
    if (pos != text.size()) throw fail();
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw fail();
  }
  const Micros t = FromCivilUtc(year, month, day, hour, minute, second) + micros;
  if (ToCivilUtc(t - micros).day != day) throw fail();  // 2024-02-30 and the like
  return t - offset_seconds * kMicrosPerSecond;
}

}  // namespace bx
