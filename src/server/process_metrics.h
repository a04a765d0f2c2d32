#pragma once
// This process's resource use, read from /proc, for the standard process_* metrics (the names
// Prometheus client libraries use, so existing dashboards and alerts apply).

#include <cstdint>
#include <string_view>

namespace bx {

struct ProcessMetrics {
  double cpu_seconds = 0;  // user + system
  uint64_t resident_memory_bytes = 0;
  uint64_t virtual_memory_bytes = 0;
  uint64_t open_fds = 0;
  uint64_t max_fds = 0;           // the soft RLIMIT_NOFILE
  double start_time_seconds = 0;  // since the Unix epoch
};

// Throws bx::Error (ProcessMetricsError) when /proc cannot be read.
ProcessMetrics ReadProcessMetrics();

// The fields of /proc/<pid>/stat this needs (CPU times, start time, sizes), given the clock
// ticks per second, the page size and the boot time (/proc/stat's btime). The command name, in
// parentheses, may hold spaces and parentheses itself. Throws bx::Error when it is malformed.
void ParseProcStat(std::string_view stat, long ticks_per_second, long page_size,
                   int64_t boot_time_seconds, ProcessMetrics& out);

}  // namespace bx
