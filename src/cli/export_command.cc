#include "cli/export_command.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "base/error.h"
#include "base/log.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "cli/json_file.h"
#include "format/value_cleaning.h"
#include "pipeline/export_run.h"
#include "service/schedule_planner.h"
#include "sink/all/destinations.h"
#include "source/all/sources.h"

namespace bx {

ExportDefinition LoadExportDefinition(const std::string& path) {
  const nlohmann::json json = ReadJsonFile("--config", path);
  try {
    return ParseValidExport(json);
  } catch (const Error& e) {
    throw InvalidArgument("", path + ": " + e.message());
  }
}

namespace {

// One interval's outcome, kept until the intervals before it have finished so the run lines
// come out in interval order whatever the number of workers.
struct IntervalOutcome {
  bool done = false;
  std::optional<RunResult> result;
  std::string error;  // "<Type>: <message>" when the run failed
};

void Report(const Interval& interval, const IntervalOutcome& outcome, ExportSummary& summary) {
  ++summary.runs;
  const std::string span = FormatIso(interval.start) + " .. " + FormatIso(interval.end);
  if (!outcome.result) {
    ++summary.failed;
    fmt::print("{}  Failed  {}\n", span, outcome.error);
  } else {
    const RunResult& r = *outcome.result;
    for (const std::string& w : r.warnings) spdlog::warn("{}: {}", span, w);
    std::string notes;
    if (r.duplicates_dropped)
      notes += fmt::format("  duplicates={}", FormatCount(r.duplicates_dropped));
    if (r.repaired_values) notes += fmt::format("  repaired={}", FormatCount(r.repaired_values));
    fmt::print("{}  Completed  rows={}  files={}  bytes={}  {:.2f} s{}\n", span,
               FormatCount(r.rows), r.files.size(), FormatBytes(r.bytes), r.seconds, notes);
    summary.rows += r.rows;
    summary.files += r.files.size();
    summary.bytes += r.bytes;
    summary.repaired += r.repaired_values;
  }
  std::fflush(stdout);
}

}  // namespace

ExportSummary ExportRange(const ExportDefinition& def, Source& source, Micros start, Micros end,
                          int workers) {
  const auto intervals = def.schedule().IntervalsWithin(start, end);
  if (intervals.empty()) {
    throw InvalidArgument("--end",
                          fmt::format("[{}, {}) holds no whole '{}' interval", FormatIso(start),
                                      FormatIso(end), IntervalKindName(def.interval)));
  }
  std::vector<IntervalOutcome> outcomes(intervals.size());
  std::mutex mu;
  size_t next = 0;      // the next interval a worker takes
  size_t reported = 0;  // intervals printed so far, in order
  ExportSummary summary;

  // Each worker has its own destination (connections, upload buffers); the source opens a
  // connection per reader.
  const size_t threads = std::min<size_t>(std::max(workers, 1), intervals.size());
  std::vector<std::unique_ptr<Destination>> destinations;
  for (size_t t = 0; t < threads; ++t) destinations.push_back(MakeDestination(def));
  auto work = [&](Destination& destination) {
    while (true) {
      size_t i;
      {
        std::lock_guard lock(mu);
        if (next == intervals.size()) return;
        i = next++;
      }
      IntervalOutcome outcome;
      try {
        outcome.result = ExportInterval(def, intervals[i], source, destination);
      } catch (const Error& e) {
        outcome.error = e.Describe();
      } catch (const std::exception& e) {
        outcome.error = std::string("InternalError: ") + e.what();
      }
      outcome.done = true;
      std::lock_guard lock(mu);
      outcomes[i] = std::move(outcome);
      while (reported < intervals.size() && outcomes[reported].done) {
        Report(intervals[reported], outcomes[reported], summary);
        outcomes[reported].result.reset();  // the file list is not needed any more
        ++reported;
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, std::ref(*destinations[t]));
  work(*destinations[0]);
  for (std::thread& t : pool) t.join();
  return summary;
}

namespace {

struct ExportFlags {
  std::string source = "./data/events.db";
  std::string config;
  std::string start, end;
  int workers = 1;
  bool allow_open_intervals = false;
};

// One command exports at most this many intervals: a range that would plan more is a typo
// (ten thousand years of 5-minute intervals), not an export.
constexpr int64_t kMaxIntervals = 1'000'000;

// The scheduler exports an interval only once it has ended plus a delay (late events still
// arrive); `export` refuses the same open intervals unless told otherwise.
void RefuseOpenOrEndlessRanges(const ExportDefinition& def, Micros start, Micros end,
                               bool allow_open) {
  const Schedule schedule = def.schedule();
  if ((end - start) / schedule.NominalLength() > kMaxIntervals) {
    throw InvalidArgument("--end",
                          fmt::format("[{}, {}) holds more than {} '{}' intervals; "
                                      "export a shorter range",
                                      FormatIso(start), FormatIso(end), FormatCount(kMaxIntervals),
                                      IntervalKindName(def.interval)));
  }
  if (allow_open) return;
  const Micros now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const Micros delay = ScheduleDelay(schedule);
  const auto intervals = schedule.IntervalsWithin(start, end);
  const auto first_open = std::find_if(intervals.begin(), intervals.end(),
                                       [&](const Interval& i) { return i.end + delay > now; });
  if (first_open != intervals.end()) {
    const Interval& open = *first_open;
    throw InvalidArgument(
        "--end", fmt::format("the interval {} .. {} has not ended {} s ago yet, so events may "
                             "still arrive for it; choose an --end of {} or earlier, or pass "
                             "--allow-open-intervals to export it anyway",
                             FormatIso(open.start), FormatIso(open.end), delay / kMicrosPerSecond,
                             FormatIso(open.start)));
  }
}

int Export(const ExportFlags& flags) {
  const ExportDefinition def = LoadExportDefinition(flags.config);
  const Micros start = ParseIsoTime(flags.start, "--start");
  const Micros end = ParseIsoTime(flags.end, "--end");
  if (start >= end) throw InvalidArgument("--end", "must be after --start");
  RefuseOpenOrEndlessRanges(def, start, end, flags.allow_open_intervals);
  const std::shared_ptr<Source> source = OpenSource(flags.source, /*create_if_missing=*/false);
  const ExportSummary s = ExportRange(def, *source, start, end, flags.workers);
  fmt::print("{} runs, {} failed: {} rows in {} files, {}\n", s.runs, s.failed, FormatCount(s.rows),
             s.files, FormatBytes(s.bytes));
  if (s.repaired) fmt::print("{} {}\n", FormatCount(s.repaired), kRepairedValuesMeaning);
  return s.failed ? kExitFailed : 0;
}

}  // namespace

void AddExportCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "export", "Export every whole interval in [--start, --end) once, as the scheduler would");
  cmd->add_option("--source", flags->source, kSourceHelp)->capture_default_str();
  cmd->add_option("--config", flags->config, "Export definition (JSON, the API's shape)")
      ->required();
  cmd->add_option("--start", flags->start, "Range start, e.g. 2024-01-15T00:00:00Z")->required();
  cmd->add_option("--end", flags->end,
                  "Range end (exclusive); a trailing partial interval is dropped")
      ->required();
  cmd->add_option("--workers", flags->workers, "Intervals exported at once, each on its own thread")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_flag("--allow-open-intervals", flags->allow_open_intervals,
                "Also export intervals that have not ended (plus the scheduler's delay): for "
                "testing; their rows may still change");
  cmd->callback([flags, &action] { action = [flags] { return Export(*flags); }; });
}

}  // namespace bx
