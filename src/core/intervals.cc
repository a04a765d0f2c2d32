#include "core/intervals.h"

#include <cctype>
#include <chrono>

#include <cctz/civil_time.h>

#include "base/error.h"

namespace bx {
namespace {

constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kHour = 60 * kMinute;
constexpr Micros kDay = 24 * kHour;

Micros FloorTo(Micros t, Micros step) {
  Micros q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

using SysMicros = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

cctz::civil_second ToCivil(Micros t, const cctz::time_zone& zone) {
  const auto tp = std::chrono::time_point_cast<cctz::seconds>(
      SysMicros(std::chrono::microseconds(FloorTo(t, kMicrosPerSecond))));
  return cctz::convert(tp, zone);
}

Micros FromCivil(const cctz::civil_second& cs, const cctz::time_zone& zone) {
  // For a local time skipped by a DST change, cctz picks the instant of the change, i.e. the
  // first valid local time after the gap.
  const auto tp = cctz::convert(cs, zone);
  return std::chrono::duration_cast<std::chrono::microseconds>(tp.time_since_epoch()).count();
}

}  // namespace

std::optional<IntervalKind> ParseIntervalKind(std::string_view name) {
  if (name == "every 5 minutes") return IntervalKind::kEvery5Minutes;
  if (name == "every 15 minutes") return IntervalKind::kEvery15Minutes;
  if (name == "hour") return IntervalKind::kHour;
  if (name == "day") return IntervalKind::kDay;
  if (name == "week") return IntervalKind::kWeek;
  return std::nullopt;
}

std::string_view IntervalKindName(IntervalKind kind) {
  switch (kind) {
    case IntervalKind::kEvery5Minutes:
      return "every 5 minutes";
    case IntervalKind::kEvery15Minutes:
      return "every 15 minutes";
    case IntervalKind::kHour:
      return "hour";
    case IntervalKind::kDay:
      return "day";
    case IntervalKind::kWeek:
      return "week";
  }
  return "hour";
}

namespace {

// An IANA zone name ("UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5"): cctz would also open
// any file path it is given, a FIFO included.
bool IsZoneName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  char previous = '/';
  for (const char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                    c == '+' || (c == '/' && previous != '/');
    if (!ok) return false;
    previous = c;
  }
  return true;
}

}  // namespace

Schedule::Schedule(IntervalKind kind, std::string_view timezone, int64_t offset_seconds)
    : kind_(kind), offset_seconds_(offset_seconds) {
  if (!IsZoneName(timezone) || !cctz::load_time_zone(std::string(timezone), &zone_)) {
    throw InvalidArgument("timezone", "unknown time zone '" + std::string(timezone) +
                                          "'; use an IANA name such as Europe/Berlin or UTC");
  }
  const int64_t limit = kind == IntervalKind::kDay    ? 86400
                        : kind == IntervalKind::kWeek ? 7 * 86400
                                                      : 1;
  if (offset_seconds < 0 || offset_seconds >= limit) {
    throw InvalidArgument(
        "interval_offset",
        kind == IntervalKind::kDay    ? "must be between 0 and 86399 seconds for a daily export"
        : kind == IntervalKind::kWeek ? "must be between 0 and 604799 seconds for a weekly export"
                                      : "is only allowed for day and week intervals");
  }
}

Micros Schedule::NominalLength() const {
  switch (kind_) {
    case IntervalKind::kEvery5Minutes:
      return 5 * kMinute;
    case IntervalKind::kEvery15Minutes:
      return 15 * kMinute;
    case IntervalKind::kHour:
      return kHour;
    case IntervalKind::kDay:
      return kDay;
    case IntervalKind::kWeek:
      return 7 * kDay;
  }
  return kHour;
}

Micros Schedule::Floor(Micros t) const {
  if (!is_civil()) return FloorTo(t, NominalLength());
  const cctz::civil_second local = ToCivil(t, zone_) - offset_seconds_;
  cctz::civil_day day(local);
  if (kind_ == IntervalKind::kWeek) {
    // civil_day arithmetic: back to the Sunday on or before `day`.
    const int since_sunday = (static_cast<int>(cctz::get_weekday(day)) + 1) % 7;
    day -= since_sunday;
  }
  const int step = kind_ == IntervalKind::kWeek ? 7 : 1;
  const auto boundary_of = [&](cctz::civil_day d) {
    return FromCivil(cctz::civil_second(d) + offset_seconds_, zone_);
  };
  Micros b = boundary_of(day);
  // An offset landing in a DST gap can map past `t`: the boundary is then the previous one.
  while (b > t) {
    day -= step;
    b = boundary_of(day);
  }
  // After clocks go back, local time repeats: in the repeat, `t` can read as earlier than the
  // offset on its date although the date's boundary (at its first pass) is already behind it.
  for (Micros later = boundary_of(day + step); later <= t; later = boundary_of(day + step)) {
    day += step;
    b = later;
  }
  return b;
}

Micros Schedule::Next(Micros b) const {
  if (!is_civil()) return b + NominalLength();
  // Local days last 23 to 25 hours: three hours past the nominal length lies inside the next
  // interval, whose floor is the next boundary. A zone that moves back across the date line
  // repeats a date (a day of up to 48 hours): then a day further on.
  Micros n = b;
  for (Micros ahead = NominalLength() + 3 * kHour; n <= b; ahead += kDay) n = Floor(b + ahead);
  // A date skipped by a zone change leaves an interval as short as minutes (Pacific/Kiritimati
  // skipped 1994-12-31: with an offset of 22:56:58 the day before lasted 1 h 3 min), which the
  // step ahead passes over: back to the first boundary after `b`.
  for (Micros before = Floor(n - 1); before > b; before = Floor(n - 1)) n = before;
  return n;
}

std::vector<Interval> Schedule::IntervalsWithin(Micros start, Micros end, size_t limit) const {
  std::vector<Interval> out;
  Micros b = Floor(start);
  if (b < start) b = Next(b);
  for (Micros n = Next(b); n <= end && out.size() < limit; b = n, n = Next(b)) {
    out.push_back({b, n});
  }
  return out;
}

uint64_t Schedule::CountIntervalsWithin(Micros start, Micros end) const {
  Micros b = Floor(start);
  if (b < start) b = Next(b);
  if (!is_civil()) return b < end ? static_cast<uint64_t>((end - b) / NominalLength()) : 0;
  uint64_t count = 0;
  for (Micros n = Next(b); n <= end; b = n, n = Next(b)) ++count;
  return count;
}

}  // namespace bx
