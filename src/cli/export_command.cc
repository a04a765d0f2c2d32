#include "cli/export_command.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/error.h"
#include "base/log.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "pipeline/destinations.h"
#include "pipeline/export_run.h"
#include "source/embedded/event_store.h"

namespace bx {

ExportDefinition LoadExportDefinition(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidArgument("--config", "cannot read '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw InvalidArgument("--config", "'" + path + "' is not valid JSON: " + e.what());
  }
  try {
    return ParseExportDefinition(json);
  } catch (const Error& e) {
    throw InvalidArgument("", path + ": " + e.message());
  }
}

ExportSummary ExportRange(const ExportDefinition& def, Source& source, Micros start, Micros end) {
  const auto intervals = def.schedule().IntervalsWithin(start, end);
  if (intervals.empty()) {
    throw InvalidArgument("--end",
                          fmt::format("[{}, {}) holds no whole '{}' interval", FormatIso(start),
                                      FormatIso(end), IntervalKindName(def.interval)));
  }
  auto store = MakeObjectStore(def);
  ExportSummary summary;
  for (const Interval& interval : intervals) {
    ++summary.runs;
    const std::string span = FormatIso(interval.start) + " .. " + FormatIso(interval.end);
    try {
      const RunResult r = ExportInterval(def, interval, source, *store);
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
    } catch (const Error& e) {
      ++summary.failed;
      fmt::print("{}  Failed  {}\n", span, e.Describe());
    }
    std::fflush(stdout);
  }
  return summary;
}

namespace {

struct ExportFlags {
  std::string source = "./data/events.db";
  std::string config;
  std::string start, end;
};

int Export(const ExportFlags& flags) {
  const ExportDefinition def = LoadExportDefinition(flags.config);
  const Micros start = ParseIsoTime(flags.start, "--start");
  const Micros end = ParseIsoTime(flags.end, "--end");
  if (start >= end) throw InvalidArgument("--end", "must be after --start");
  EmbeddedSource source(flags.source);
  const ExportSummary s = ExportRange(def, source, start, end);
  fmt::print("{} runs, {} failed: {} rows in {} files, {}\n", s.runs, s.failed, FormatCount(s.rows),
             s.files, FormatBytes(s.bytes));
  return s.failed ? kExitFailed : 0;
}

}  // namespace

void AddExportCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "export", "Export every whole interval in [--start, --end) once, as the scheduler would");
  cmd->add_option("--source", flags->source, "Embedded store file")->capture_default_str();
  cmd->add_option("--config", flags->config, "Export definition (JSON, the API's shape)")
      ->required();
  cmd->add_option("--start", flags->start, "Range start, e.g. 2024-01-15T00:00:00Z")->required();
  cmd->add_option("--end", flags->end,
                  "Range end (exclusive); a trailing partial interval is dropped")
      ->required();
  cmd->callback([flags, &action] { action = [flags] { return Export(*flags); }; });
}

}  // namespace bx
