#include <CLI/CLI.hpp>

#include <chrono>

#include <fmt/format.h>

#include "base/strings.h"
#include "base/time.h"
#include "cli/cli.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_loader.h"

namespace bx {
namespace {

struct GenerateFlags {
  std::string source = "./data/events.db";
  uint64_t count = 100000;
  std::string start, end;
  int64_t team_id = 1;
  uint64_t seed = 7;
};

int Generate(const GenerateFlags& flags) {
  SampleEventOptions options;
  options.count = flags.count;
  options.start = ParseIsoTime(flags.start, "--start");
  options.end = ParseIsoTime(flags.end, "--end");
  options.team_id = flags.team_id;
  options.seed = flags.seed;

  const auto started = std::chrono::steady_clock::now();
  EventStore store(flags.source, EventStore::Mode::kBulkLoad);
  const uint64_t n = LoadSampleEvents(store, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("Generated {} events ({} .. {}) into {} in {:.2f} s ({} events/s)\n", FormatCount(n),
             FormatIso(options.start), FormatIso(options.end), flags.source, seconds,
             FormatCount(static_cast<uint64_t>(n / std::max(seconds, 1e-9))));
  return 0;
}

}  // namespace

void AddGenerateCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<GenerateFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "generate",
      "Generate realistic sample events into the embedded store (deterministic per seed)");
  cmd->add_option("--source", flags->source, "Embedded store file (created when missing)")
      ->capture_default_str();
  cmd->add_option("--count", flags->count, "Number of events")->capture_default_str();
  cmd->add_option("--start", flags->start, "inserted_at range start, e.g. 2024-01-15T00:00:00Z")
      ->required();
  cmd->add_option("--end", flags->end, "inserted_at range end (exclusive)")->required();
  cmd->add_option("--team-id", flags->team_id, "team_id of the events")->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Random seed: same seed, same events")
      ->capture_default_str();
  cmd->callback([flags, &action] { action = [flags] { return Generate(*flags); }; });
}

}  // namespace bx
