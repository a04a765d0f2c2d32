#include "server/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"

namespace bx {
namespace {

Error ProcError(const std::string& message) {
  return Error(ErrorKind::kInternal, "ProcessMetricsError", message);
}

std::string ReadText(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ProcError(std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int64_t BootTimeSeconds() {
  std::istringstream in(ReadText("/proc/stat"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) != 0) continue;
    int64_t t = 0;
    if (std::from_chars(line.data() + 6, line.data() + line.size(), t).ec == std::errc()) return t;
  }
  throw ProcError("/proc/stat has no btime line with a number");
}

uint64_t OpenFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) throw ProcError("cannot list /proc/self/fd");
  uint64_t n = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n > 0 ? n - 1 : 0;  // not the descriptor that listed them
}

}  // namespace

void ParseProcStat(std::string_view stat, long ticks_per_second, long page_size,
                   int64_t boot_time_seconds, ProcessMetrics& out) {
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string_view::npos) throw ProcError("/proc/self/stat: no command name");
  // Fields from the third (state) on, after the command name.
  std::vector<std::string_view> fields;
  size_t i = name_end + 1;
  while (i < stat.size()) {
    while (i < stat.size() && (stat[i] == ' ' || stat[i] == '\n')) ++i;
    const size_t start = i;
    while (i < stat.size() && stat[i] != ' ' && stat[i] != '\n') ++i;
    if (i > start) fields.push_back(stat.substr(start, i - start));
  }
  auto field = [&](size_t number) {  // numbered as in proc(5)
    const size_t at = number - 3;
    uint64_t v = 0;
    if (at >= fields.size() ||
        std::from_chars(fields[at].data(), fields[at].data() + fields[at].size(), v).ec !=
            std::errc()) {
      throw ProcError("/proc/self/stat: field " + std::to_string(number) + " is not a number");
    }
    return v;
  };
  const double ticks = static_cast<double>(ticks_per_second);
  out.cpu_seconds = static_cast<double>(field(14) + field(15)) / ticks;
  out.start_time_seconds = static_cast<double>(boot_time_seconds) + field(22) / ticks;
  out.virtual_memory_bytes = field(23);
  out.resident_memory_bytes = field(24) * static_cast<uint64_t>(page_size);
}

ProcessMetrics ReadProcessMetrics() {
  ProcessMetrics m;
  ParseProcStat(ReadText("/proc/self/stat"), ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE),
                BootTimeSeconds(), m);
  m.open_fds = OpenFds();
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) throw ProcError("getrlimit(RLIMIT_NOFILE) failed");
  m.max_fds = limit.rlim_cur;
  return m;
}

}  // namespace bx
