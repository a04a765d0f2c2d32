#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <cstdio>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/error.h"
#include "base/log.h"
#include "base/strings.h"
#include "cli/suggest.h"

namespace bx {
namespace {

// CLI11 answers a mistyped command ("batch-export exprot") with "A subcommand is required":
// say which word is unknown, where, and the closest command. False when that is not the error.
bool ReportUnknownCommand(CLI::App& app) {
  CLI::App* at = &app;
  while (!at->get_subcommands().empty()) at = at->get_subcommands().front();
  if (at->get_subcommands({}).empty()) return false;  // `at` takes no commands
  const std::vector<std::string> extra = at->remaining();
  if (extra.empty() || extra.front().starts_with("-")) return false;
  std::vector<std::string> names;
  for (const CLI::App* c : at->get_subcommands({})) names.push_back(c->get_name());
  const std::string path = at == &app ? "batch-export" : "batch-export " + at->get_name();
  std::string message =
      fmt::format("error: {} is not a command of '{}'", JsonQuote(extra.front()), path);
  if (auto closest = ClosestName(extra.front(), names)) {
    message += fmt::format("; did you mean '{}'?", *closest);
  }
  std::fprintf(stderr, "%s\nCommands: %s. Run '%s --help' for more.\n", message.c_str(),
               fmt::format("{}", fmt::join(names, ", ")).c_str(), path.c_str());
  return true;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{
      "batch-export: exports analytics events on a schedule and in backfills to object storage, "
      "files and warehouses, every interval exactly once."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("batch-export ") + BX_VERSION);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn or error")
      ->envname("BATCH_EXPORT_LOG_LEVEL");

  CommandAction action;
  CLI::App* events = app.add_subcommand("events", "Work with the embedded event store");
  events->require_subcommand(1);
  AddGenerateCommand(*events, action);
  AddExportCommand(app, action);
  AddDemoCommand(app, action);
  AddCheckCommand(app, action);
  AddServeCommand(app, action);
  AddWorkerCommand(app, action);
  AddExportsCommand(app, action);
  AddRunsCommand(app, action);
  AddBackfillsCommand(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (!ReportUnknownCommand(app)) app.exit(e);
    return kExitBadInput;
  }

  try {
    InitLogging(log_level);
    return action();
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.Describe().c_str());
    return e.kind() == ErrorKind::kInvalidArgument ? kExitBadInput : kExitFailed;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: InternalError: %s\n", e.what());
    return kExitFailed;
  }
}

}  // namespace bx
