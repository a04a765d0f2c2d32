#include <CLI/CLI.hpp>

#include <filesystem>

#include <fmt/format.h>

#include "base/error.h"
#include "base/strings.h"
#include "cli/cli.h"
#include "cli/export_command.h"
#include "sink/all/destinations.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_loader.h"

namespace bx {
namespace {

struct DemoFlags {
  std::string dir = "./demo-output";
  uint64_t count = 200000;
};

int Demo(const DemoFlags& flags) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::absolute(flags.dir).lexically_normal();
  const fs::path store_path = dir / "events.db";
  // Replace only an earlier demo's output: never wipe a directory the user filled.
  if (fs::exists(dir) && !fs::is_empty(dir) && !fs::exists(store_path)) {
    throw InvalidArgument("--dir", "'" + dir.string() +
                                       "' exists and is not an earlier demo's output; choose "
                                       "another directory");
  }
  fs::remove_all(dir);
  fs::create_directories(dir);

  // Yesterday, UTC: a whole day that has ended, as a scheduled daily run would see it.
  const Micros now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const Micros day = 86400 * kMicrosPerSecond;
  const Micros end = now / day * day, start = end - day;

  {
    EventStore store(store_path, EventStore::Mode::kBulkLoad);
    LoadSampleEvents(store, {flags.count, start, end, 1, 7});
  }
  fmt::print("Generated {} sample events for {} into {}\n\n", FormatCount(flags.count),
             FormatIso(start).substr(0, 10), store_path.string());

  const nlohmann::json config = {{"name", "demo hourly export"},
                                 {"model", "events"},
                                 {"interval", "hour"},
                                 {"destination",
                                  {{"type", "File"},
                                   {"config",
                                    {{"path", dir.string()},
                                     {"prefix", "events"},
                                     {"file_format", "JSONLines"},
                                     {"compression", "gzip"}}}}}};
  const ExportDefinition def = ParseValidExport(config);
  ExportSummary s;
  {
    EmbeddedSource source(store_path);
    s = ExportRange(def, source, start, end);
  }
  // The export's read-only connections leave the WAL's -wal and -shm files behind; the last
  // read-write connection to close checkpoints and removes them.
  { EventStore tidy(store_path); }

  const fs::path out_dir = dir / "events";
  fmt::print(
      "\nExported {} rows in {} gzip JSON lines files ({}) to\n  {}\n"
      "Look at one:\n  zcat \"{}\"/*.jsonl.gz | head -n 1\n",
      FormatCount(s.rows), s.files, FormatBytes(s.bytes), out_dir.string(), out_dir.string());
  return s.failed ? kExitFailed : 0;
}

}  // namespace

void AddDemoCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "demo", "Generate a day of sample events and export them hourly as gzip JSON lines");
  cmd->add_option("--dir", flags->dir, "Output directory (replaced)")->capture_default_str();
  cmd->add_option("--count", flags->count, "Number of sample events")->capture_default_str();
  cmd->callback([flags, &action] { action = [flags] { return Demo(*flags); }; });
}

}  // namespace bx
