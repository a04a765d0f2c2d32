// Claim throughput on a shared PostgreSQL state store: N no-data runs queued, then P
// `batch-export worker` processes x W workers claim, execute (0 rows: nothing is written) and
// finish them. Prints runs/s and the CPU the PostgreSQL server processes used meanwhile.
//
//   claim_bench <postgres-url> [runs=3000] [processes=3] [workers=4]
// (bench/claim-postgres starts a throwaway server and runs it.)

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "service/service.h"
#include "io/postgres/pg_connection.h"
#include "state/postgres/postgres_state_store.h"

namespace bx {
namespace {

constexpr char kKey[] = "0202020202020202020202020202020202020202020202020202020202020202";

// utime + stime (clock ticks) of every process named "postgres".
long long PostgresCpuTicks() {
  long long ticks = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    const size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    if (stat.substr(open + 1, close - open - 1) != "postgres") continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoll(field);
      if (i == 15) stime = std::stoll(field);
    }
    ticks += utime + stime;
  }
  return ticks;
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: claim_bench <postgres-url> [runs] [processes] [workers]\n");
    return 2;
  }
  const std::string admin_url = argv[1];
  const int runs = argc > 2 ? std::atoi(argv[2]) : 3000;
  const int processes = argc > 3 ? std::atoi(argv[3]) : 3;
  const int workers = argc > 4 ? std::atoi(argv[4]) : 4;
  ::setenv("BATCH_EXPORT_SECRET_KEY", kKey, 1);

  const std::string db = "bx_claim_bench_" + std::to_string(::getpid());
  pg::Connection(admin_url).ExecScript("CREATE DATABASE " + db);
  const std::string url = admin_url.substr(0, admin_url.rfind('/')) + "/" + db;
  const auto dir = std::filesystem::temp_directory_path() / db;
  std::filesystem::create_directories(dir);
  const std::string source = (dir / "empty.db").string();

  // The export and its queued runs (an empty source: every run completes with 0 rows).
  std::string export_id;
  {
    ServiceOptions options;
    options.data_dir = dir;
    options.source_path = source;
    options.state_url = url;
    Service creator(options);
    export_id =
        creator
            .CreateExport({{"name", "claim bench"},
                           {"interval", "every 5 minutes"},
                           {"start_at", "2020-01-01T00:00:00Z"},
                           {"paused", true},
                           {"destination",
                            {{"type", "File"}, {"config", {{"path", (dir / "out").string()}}}}}})
            .id;
  }
  PostgresStateStore store(url, SecretBox(SecretBox::ParseKey(kKey)));
  const Micros t0 = ParseIsoTime("2020-01-01T00:00:00Z", "start");
  const Micros step = 300 * kMicrosPerSecond;
  std::vector<NewRun> queued;
  for (int i = 0; i < runs; ++i) {
    queued.push_back({"run-" + std::to_string(i), {t0 + i * step, t0 + (i + 1) * step}});
  }
  const auto e = store.GetExport(export_id);
  store.AdvanceSchedule(export_id, e->next_interval_start, queued, t0 + runs * step,
                        t0 + runs * step + 3600LL * 365 * 24 * kMicrosPerSecond, 0);

  std::vector<pid_t> pids;
  for (int p = 0; p < processes; ++p) {
    std::vector<std::string> args = {
        BX_BINARY,    "worker",   "--state", url,         "--data-dir",
        dir.string(), "--source", source,    "--workers", std::to_string(workers)};
    std::vector<char*> raw;
    for (auto& a : args) raw.push_back(a.data());
    raw.push_back(nullptr);
    pid_t pid = -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    pids.push_back(pid);
  }
  // Unpausing makes the queued runs claimable at once: the clock starts here.
  const long long cpu_before = PostgresCpuTicks();
  const auto start = std::chrono::steady_clock::now();
  store.SetPaused(export_id, false, 0);
  uint64_t done = 0;
  while (done < static_cast<uint64_t>(runs)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto counts = store.CountRunsByStatus();
    auto it = counts.find(RunStatus::kCompleted);
    done = it == counts.end() ? 0 : it->second;
    if (std::chrono::steady_clock::now() - start > std::chrono::minutes(5)) break;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double pg_cpu = static_cast<double>(PostgresCpuTicks() - cpu_before) / sysconf(_SC_CLK_TCK);
  for (pid_t pid : pids) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
  std::printf(
      "claims: %d processes x %d workers, %llu of %d no-data runs completed in %.2f s: "
      "%.0f runs/s\n",
      processes, workers, static_cast<unsigned long long>(done), runs, wall, done / wall);
  std::printf(
      "postgres server CPU: %.2f s over %.2f s wall = %.0f%% of one core, %.0f%% of the "
      "machine's %ld cores\n",
      pg_cpu, wall, 100 * pg_cpu / wall, 100 * pg_cpu / wall / sysconf(_SC_NPROCESSORS_ONLN),
      sysconf(_SC_NPROCESSORS_ONLN));
  std::filesystem::remove_all(dir);
  return done == static_cast<uint64_t>(runs) ? 0 : 1;
}

}  // namespace
}  // namespace bx

int main(int argc, char** argv) { return bx::Main(argc, argv); }
