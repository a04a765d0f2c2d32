// Export schedules (core/intervals): a random interval kind, time zone (many with DST or
// offset changes: 30-minute DST, skipped and repeated days), offset and range.
// Invariant: boundaries move forward; Floor(t) <= t < Next(Floor(t)) and Floor is idempotent;
// IntervalsWithin(start, end) tiles exactly the span between the first boundary at or after
// `start` and the last boundary at or before `end`, without gaps or overlaps, across DST;
// minute and hour intervals have their nominal length; never crashes or hangs.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "base/error.h"
#include "core/intervals.h"
#include "fuzz_check.h"

namespace {

constexpr bx::Micros kHour = 3600LL * 1000 * 1000;
constexpr bx::Micros kDay = 24 * kHour;

const char* const kZones[] = {
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Africa/Casablanca",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Europe/Dublin",
    "Antarctica/Troll",
    "America/Santiago",
    "Asia/Tehran",
    "Pacific/Chatham",
    "America/Sao_Paulo",
    "Europe/Moscow",
    "Pacific/Kwajalein",
    "America/Havana",
    "Asia/Gaza",
    "Etc/GMT-14",
};

std::string Describe(const bx::Schedule& s, const char* zone, int64_t offset, bx::Micros a,
                     bx::Micros b) {
  return std::string(bx::IntervalKindName(s.kind())) + " in " + zone + " offset " +
         std::to_string(offset) + " at " + std::to_string(a) + " / " + std::to_string(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const auto kind = static_cast<bx::IntervalKind>(in.ConsumeIntegralInRange<int>(0, 4));
  const char* zone = in.PickValueInArray(kZones);
  const int64_t offset_limit = kind == bx::IntervalKind::kDay    ? 86400
                               : kind == bx::IntervalKind::kWeek ? 7 * 86400
                                                                 : 1;
  // Mostly valid offsets; sometimes invalid ones, which must be refused.
  const int64_t offset = in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(0, offset_limit - 1)
                                          : in.ConsumeIntegralInRange<int64_t>(-1, 8 * 86400);
  // 1900 to 2200: DST rules, zone changes of the past, and far future ones.
  const bx::Micros lo = -2208988800LL * 1000000, hi = 7258118400LL * 1000000;
  const bx::Micros start = in.ConsumeIntegralInRange<bx::Micros>(lo, hi);
  std::optional<bx::Schedule> made;
  try {
    made.emplace(kind, zone, offset);
  } catch (const bx::Error& e) {
    FUZZ_CHECK(offset < 0 || offset >= offset_limit,
               "a valid schedule was refused: " + e.message());
    return 0;
  }
  FUZZ_CHECK(offset >= 0 && offset < offset_limit, "an invalid offset was accepted");
  const bx::Schedule& s = *made;
  const bx::Micros nominal = s.NominalLength();
  const bx::Micros end = start + in.ConsumeIntegralInRange<bx::Micros>(0, 60 * nominal);

  // The boundaries from Floor(start) on, walked by hand with a bound, so that a boundary that
  // does not move forward is a finding rather than a hang.
  const bx::Micros first_floor = s.Floor(start);
  FUZZ_CHECK(first_floor <= start,
             "Floor(t) > t: " + Describe(s, zone, offset, start, first_floor));
  FUZZ_CHECK(s.Floor(first_floor) == first_floor,
             "Floor is not idempotent: " + Describe(s, zone, offset, start, first_floor));
  std::vector<bx::Micros> boundaries{first_floor};
  while (boundaries.back() <= end && boundaries.size() < 100) {
    const bx::Micros b = boundaries.back();
    const bx::Micros n = s.Next(b);
    FUZZ_CHECK(n > b, "Next(b) <= b: " + Describe(s, zone, offset, b, n));
    // A civil day lasts from 0 (a skipped date) to 48 hours (a repeated one); minutes and hours
    // are exact.
    if (kind == bx::IntervalKind::kDay || kind == bx::IntervalKind::kWeek) {
      FUZZ_CHECK(n - b <= nominal + 2 * kDay,
                 "an interval far too long: " + Describe(s, zone, offset, b, n));
    } else {
      FUZZ_CHECK(n - b == nominal,
                 "a UTC interval of the wrong length: " + Describe(s, zone, offset, b, n));
    }
    FUZZ_CHECK(s.Floor(n) == n,
               "a boundary is not its own floor: " + Describe(s, zone, offset, b, n));
    FUZZ_CHECK(s.Floor(n - 1) == b, "the instant before a boundary floors elsewhere: " +
                                        Describe(s, zone, offset, b, n));
    boundaries.push_back(n);
  }
  FUZZ_CHECK(start < boundaries[1], "Floor(t) <= t < Next(Floor(t)) fails: " +
                                        Describe(s, zone, offset, start, boundaries[1]));
  if (boundaries.back() <= end) return 0;  // a range longer than the walk: not compared

  // The expected tiling: boundaries in [start, end].
  std::vector<bx::Micros> inside;
  for (bx::Micros b : boundaries) {
    if (b >= start && b <= end) inside.push_back(b);
  }
  const std::vector<bx::Interval> got = s.IntervalsWithin(start, end);
  const size_t want = inside.size() < 2 ? 0 : inside.size() - 1;
  FUZZ_CHECK(got.size() == want, "IntervalsWithin returned " + std::to_string(got.size()) +
                                     " intervals, expected " + std::to_string(want) + ": " +
                                     Describe(s, zone, offset, start, end));
  for (size_t i = 0; i < got.size(); ++i) {
    FUZZ_CHECK(got[i].start == inside[i] && got[i].end == inside[i + 1],
               "IntervalsWithin leaves a gap or an overlap: " +
                   Describe(s, zone, offset, got[i].start, got[i].end));
  }
  return 0;
}
