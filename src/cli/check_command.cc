// `batch-export check --config export.json`: tests the destination without exporting.

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "base/error.h"
#include "cli/cli.h"
#include "cli/export_command.h"
#include "sink/all/destinations.h"

namespace bx {
namespace {

int Check(const std::string& config_path) {
  const ExportDefinition def = LoadExportDefinition(config_path);
  try {
    auto destination = MakeDestination(def);
    destination->Check();
    fmt::print("OK  {} destination {}: reachable, writable, probe written and deleted\n",
               def.destination_type, destination->Location());
    return 0;
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInvalidArgument) throw;
    fmt::print("FAILED  {} destination: {}\n", def.destination_type, e.Describe());
    return kExitFailed;
  }
}

}  // namespace

void AddCheckCommand(CLI::App& parent, CommandAction& action) {
  auto config = std::make_shared<std::string>();
  CLI::App* cmd = parent.add_subcommand(
      "check",
      "Test an export's destination without exporting: S3 bucket exists and a probe object can "
      "be written and deleted; File directory is writable");
  cmd->add_option("--config", *config, "Export definition (JSON, the API's shape)")->required();
  cmd->callback([config, &action] { action = [config] { return Check(*config); }; });
}

}  // namespace bx
