#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "base/error.h"
#include "base/log.h"

namespace bx {

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
    app.exit(e);
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
