// Prints how fast SampleEventGenerator produces rows on one core (no store, no I/O).
// Usage: generate_bench [count]  (default 2,000,000). CPU time is reported beside wall time
// because a shared machine's load inflates the latter.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "source/embedded/sample_events.h"

int main(int argc, char** argv) {
  bx::SampleEventOptions options;
  options.count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  options.start = bx::FromCivilUtc(2024, 1, 1);
  options.end = bx::FromCivilUtc(2024, 1, 31);
  bx::SampleEventGenerator generator(options);
  bx::EventRow row;
  uint64_t rows = 0, bytes = 0;
  const auto wall_begin = std::chrono::steady_clock::now();
  const std::clock_t cpu_begin = std::clock();
  while (generator.Next(row)) {
    ++rows;
    bytes += row.properties.size() + row.person_properties.size() + row.elements_chain.size();
  }
  const double cpu = static_cast<double>(std::clock() - cpu_begin) / CLOCKS_PER_SEC;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_begin).count();
  std::printf(
      "%llu events: %.0f events/s per CPU second (%.3f s CPU), %.0f events/s wall "
      "(%.3f s); %.0f B of JSON per event\n",
      static_cast<unsigned long long>(rows), rows / cpu, cpu, rows / wall, wall,
      rows ? static_cast<double>(bytes) / rows : 0.0);
  return 0;
}
