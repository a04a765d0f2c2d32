#pragma once
// Instants are int64 microseconds since the Unix epoch, UTC, everywhere in the project.

#include <cstdint>
#include <string>
#include <string_view>

namespace bx {

using Micros = int64_t;
constexpr Micros kMicrosPerSecond = 1'000'000;

// "2024-01-15T01:00:00.123456+00:00": always six fraction digits (JSON lines timestamps).
// Writes exactly kIsoMicrosLength bytes to `out`.
constexpr size_t kIsoMicrosLength = 32;
void WriteIsoMicros(Micros t, char* out);
std::string FormatIsoMicros(Micros t);

// WriteIsoMicros for many nearby instants: reuses the date and time of the last second
// formatted, since the rows of one batch mostly share their seconds.
class IsoMicrosWriter {
 public:
  void Write(Micros t, char* out);

 private:
  int64_t second_ = INT64_MIN;
  char prefix_[19] = {};
};

// "2023-04-25T13:30:00+00:00", with ".ffffff" only when the fraction is not zero (as Python's
// isoformat() does: object keys must be byte-compatible with the reference system).
std::string FormatIso(Micros t);

// Accepts "2024-01-15", "2024-01-15T00:00:00", "2024-01-15 00:00:00", an optional fraction,
// and "Z" or "+hh:mm" / "-hh:mm" (no suffix means UTC). Throws InvalidArgument naming `field`.
Micros ParseIsoTime(std::string_view text, const std::string& field);
// True when `text` is a bare date ("2024-01-15").
bool IsDateOnly(std::string_view text);

// Civil date and time of an instant in UTC.
struct CivilUtc {
  int year, month, day, hour, minute, second, micros;
};
CivilUtc ToCivilUtc(Micros t);
Micros FromCivilUtc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

}  // namespace bx
