// 10,000 exports with "every 5 minutes" intervals and no data: how fast the scheduler creates
// and the workers claim, run and record their runs on one node (SQLite state).
//   scheduler_bench [exports=10000] [rounds=3] [workers=2]
// Prints runs/s and CPU seconds per round; keeping up needs exports / 300 s runs/s.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "base/clock.h"
#include "base/log.h"
#include "service/service.h"

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const int exports = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  const size_t workers = argc > 3 ? std::atoi(argv[3]) : 2;
  bx::InitLogging("warn");
  const auto dir =
      std::filesystem::temp_directory_path() / ("bx-sched-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto clock = std::make_shared<bx::ManualClock>(bx::ParseIsoTime("2024-01-15T10:00:31Z", "t"));
  bx::ServiceOptions options;
  options.data_dir = dir / "bx";
  options.source_path = dir / "events.db";
  options.clock = clock;
  options.workers = workers;
  auto service = bx::StartService(options);

  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < exports; ++i) {
    service->CreateExport(
        {{"name", "bench " + std::to_string(i)},
         {"interval", "every 5 minutes"},
         {"destination", {{"type", "File"}, {"config", {{"path", (dir / "out").string()}}}}}});
  }
  const double create_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("created %d exports in %.2f s (%.0f/s)\n", exports, create_s, exports / create_s);

  for (int round = 0; round < rounds; ++round) {
    clock->Advance(5 * 60 * bx::kMicrosPerSecond);
    const double cpu0 = CpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    service->WaitIdle(std::chrono::minutes(30));
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = CpuSeconds() - cpu0;
    std::printf(
        "round %d: %d runs in %.2f s = %.0f runs/s, CPU %.2f s (%.0f%% of one core); "
        "needed to keep up: %.0f runs/s\n",
        round + 1, exports, secs, exports / secs, cpu, 100 * cpu / secs, exports / 300.0);
  }
  const auto m = service->Metrics();
  for (const auto& [status, n] : m.runs_by_status) {
    if (n) std::printf("  %s: %llu\n", status.c_str(), static_cast<unsigned long long>(n));
  }
  service->Stop();
  std::filesystem::remove_all(dir);
  return 0;
}
