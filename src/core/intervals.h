#pragma once
// An export's schedule: the grid of data intervals it exports. Minute and hour intervals are
// UTC; day and week intervals follow the export's IANA time zone (a Berlin day on the spring
// change is 23 h long) shifted by `offset_seconds` (hour of day; day and hour of week, weeks
// starting Sunday 00:00 local).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cctz/time_zone.h>

#include "base/time.h"

namespace bx {

enum class IntervalKind { kEvery5Minutes, kEvery15Minutes, kHour, kDay, kWeek };

std::optional<IntervalKind> ParseIntervalKind(std::string_view name);
std::string_view IntervalKindName(IntervalKind kind);  // "hour", "every 5 minutes", ...

struct Interval {
  Micros start = 0;
  Micros end = 0;
  bool operator==(const Interval&) const = default;
};

class Schedule {
 public:
  // Throws InvalidArgument naming "timezone" or "interval_offset" for a bad zone or offset.
  explicit Schedule(IntervalKind kind, std::string_view timezone = "UTC",
                    int64_t offset_seconds = 0);

  IntervalKind kind() const { return kind_; }
  // The latest boundary at or before `t`.
  Micros Floor(Micros t) const;
  // The boundary after boundary `b`.
  Micros Next(Micros b) const;
  // Every whole interval inside [start, end), oldest first, at most `limit` of them: a leading or
  // trailing partial interval is dropped.
  std::vector<Interval> IntervalsWithin(Micros start, Micros end, size_t limit = SIZE_MAX) const;
  // How many intervals IntervalsWithin(start, end) holds, without listing them: arithmetic for
  // the UTC grids, a walk over the local days or weeks otherwise (about 20,000 since 1970).
  uint64_t CountIntervalsWithin(Micros start, Micros end) const;
  // The nominal length (23 and 25 hour days still count as a day).
  Micros NominalLength() const;

 private:
  bool is_civil() const { return kind_ == IntervalKind::kDay || kind_ == IntervalKind::kWeek; }

  IntervalKind kind_;
  cctz::time_zone zone_;
  int64_t offset_seconds_;
};

}  // namespace bx
