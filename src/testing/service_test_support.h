#pragma once
// A service under test: manual clock, SQLite state in a temp dir, an embedded store with
// generated events, File destinations under the temp dir.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "base/clock.h"
#include "pipeline/export_run.h"
#include "service/service.h"
#include "sink/all/destinations.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_loader.h"
#include "testing/temp_dir.h"

namespace bx::service_test {

constexpr Micros kSecond = kMicrosPerSecond;
constexpr Micros kMinute = 60 * kSecond;
constexpr Micros kHour = 60 * kMinute;

inline Micros At(const char* iso) { return ParseIsoTime(iso, "test"); }

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() : clock_(std::make_shared<ManualClock>(At("2024-01-15T10:17:00Z"))) {
    EventStore create_empty(source_path());
  }

  ServiceOptions Options() {
    ServiceOptions o;
    o.data_dir = dir_.path() / "bx";
    o.source_path = source_path();
    o.clock = clock_;
    o.shutdown_grace = 0;
    return o;
  }

  std::unique_ptr<Service> Start(ServiceOptions o) { return StartService(std::move(o)); }
  std::unique_ptr<Service> Start() { return Start(Options()); }

  std::filesystem::path source_path() const { return dir_.path() / "events.db"; }
  std::filesystem::path out(const std::string& name = "out") const { return dir_.path() / name; }

  void Generate(uint64_t count, Micros start, Micros end) {
    EventStore store(source_path());
    LoadSampleEvents(store, {count, start, end, 1, 7});
  }

  nlohmann::json ExportJson(const std::string& interval, const std::filesystem::path& path,
                            const std::string& timezone = "UTC") {
    return {{"name", "test " + interval},
            {"interval", interval},
            {"timezone", timezone},
            {"destination",
             {{"type", "File"},
              {"config",
               {{"path", path.string()},
                {"prefix", "events/{year}/{month}/{day}"},
                {"compression", "gzip"}}}}}};
  }

  std::vector<RunRecord> AllRuns(Service& s, const std::string& export_id,
                                 std::optional<RunStatus> status = std::nullopt) {
    std::vector<RunRecord> out;
    ListOptions page;
    page.limit = 1000;
    for (;;) {
      auto p = s.ListRuns(export_id, status, page);
      out.insert(out.end(), p.results.begin(), p.results.end());
      if (!p.next) break;
      page.cursor = p.next;
    }
    return out;
  }

  std::vector<std::string> Logs(Service& s, const std::string& export_id,
                                const std::string& run_id) {
    std::vector<std::string> out;
    ListOptions page;
    page.limit = 1000;
    for (const LogLine& l : s.RunLogs(export_id, run_id, page).results) out.push_back(l.message);
    return out;
  }

  // Moves the clock in `step`s up to `until`, letting the service settle after each.
  void AdvanceTo(Service& s, Micros until, Micros step) {
    while (clock_->Now() < until) {
      clock_->Set(std::min(until, clock_->Now() + step));
      ASSERT_TRUE(s.WaitIdle());
    }
  }

  // Real-time wait for something the workers do (they run in real time).
  static bool Eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  // Relative path -> bytes of every visible file under `root`.
  static std::map<std::string, std::string> Files(const std::filesystem::path& root) {
    std::map<std::string, std::string> files;
    if (!std::filesystem::exists(root)) return files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      files[std::filesystem::relative(e.path(), root).string()] =
          std::string(std::istreambuf_iterator<char>(in), {});
    }
    return files;
  }

  // What exporting `intervals` directly (no service) writes.
  std::map<std::string, std::string> DirectExport(const nlohmann::json& export_json,
                                                  const std::vector<Interval>& intervals,
                                                  const std::filesystem::path& path) {
    nlohmann::json config = export_json;
    config["destination"]["config"]["path"] = path.string();
    const ExportDefinition def = ParseValidExport(config);
    EmbeddedSource source(source_path());
    auto destination = MakeDestination(def);
    for (const Interval& i : intervals) ExportInterval(def, i, source, *destination);
    return Files(path);
  }

  testing::TempDir dir_;
  std::shared_ptr<ManualClock> clock_;
};

}  // namespace bx::service_test
