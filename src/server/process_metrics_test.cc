#include "server/process_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/error.h"

namespace bx {
namespace {

// A real line's shape, with a command name that holds spaces and parentheses.
constexpr const char* kStat =
    "4242 (bx (worker) 1) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 34 0 "
    "1234500 734003200 2560 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessMetrics, ParsesProcStatPastAHostileCommandName) {
  ProcessMetrics m;
  ParseProcStat(kStat, 100, 4096, 1700000000, m);
  EXPECT_DOUBLE_EQ(m.cpu_seconds, 3.0);  // (250 + 50) ticks
  EXPECT_DOUBLE_EQ(m.start_time_seconds, 1700000000 + 12345.0);
  EXPECT_EQ(m.virtual_memory_bytes, 734003200u);
  EXPECT_EQ(m.resident_memory_bytes, 2560u * 4096);
}

TEST(ProcessMetrics, MalformedStatIsAnError) {
  ProcessMetrics m;
  EXPECT_THROW(ParseProcStat("4242 bx S 1", 100, 4096, 0, m), Error);
  EXPECT_THROW(ParseProcStat("4242 (bx) S 1 2 3", 100, 4096, 0, m), Error);
  EXPECT_THROW(
      ParseProcStat("4242 (bx) S 1 4242 4242 0 -1 4194560 1000 0 0 0 x 50", 100, 4096, 0, m),
      Error);
}

TEST(ProcessMetrics, ReadsThisProcess) {
  const ProcessMetrics before = ReadProcessMetrics();
  std::vector<int> fds;
  for (int i = 0; i < 5; ++i) fds.push_back(::dup(0));
  const ProcessMetrics m = ReadProcessMetrics();
  for (int fd : fds) ::close(fd);
  EXPECT_EQ(m.open_fds, before.open_fds + 5);
  EXPECT_GE(m.open_fds, 8u);
  EXPECT_GE(m.max_fds, m.open_fds);
  EXPECT_GT(m.resident_memory_bytes, 1u << 20);
  EXPECT_GT(m.virtual_memory_bytes, m.resident_memory_bytes);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  // The test binary started moments ago (btime is whole seconds, start time in ticks).
  EXPECT_LE(m.start_time_seconds, now + 1);
  EXPECT_GT(m.start_time_seconds, now - 3600);
  EXPECT_GE(m.cpu_seconds, 0);
}

}  // namespace
}  // namespace bx
