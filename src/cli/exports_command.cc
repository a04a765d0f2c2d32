// `batch-export exports create|list|show|pause|unpause|check|delete`: the API's export
// resources from the command line.

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "base/error.h"
#include "cli/api_client.h"
#include "cli/cli.h"
#include "cli/json_file.h"
#include "cli/table.h"

namespace bx {
namespace {

using nlohmann::json;

struct ExportsFlags {
  ClientFlags client;
  std::string id;
  std::string file;
  bool backfill = false;
};

std::string DestinationSummary(const json& e) {
  const json dest = e.value("destination", json::object());
  const json config = dest.value("config", json::object());
  std::string where = config.value("path", "");
  if (config.contains("bucket_name") && config["bucket_name"].is_string()) {
    where = "s3://" + config["bucket_name"].get<std::string>();
  }
  if (config.contains("prefix") && config["prefix"].is_string() &&
      !config["prefix"].get<std::string>().empty()) {
    where += "/" + config["prefix"].get<std::string>();
  }
  return dest.value("type", "?") + (where.empty() ? "" : " " + where);
}

void PrintExports(const json& exports) {
  std::vector<std::vector<std::string>> rows;
  for (const json& e : exports) {
    rows.push_back({Cell(e.value("id", json())), Cell(e.value("name", json())),
                    Cell(e.value("interval", json())), e.value("paused", false) ? "yes" : "no",
                    DestinationSummary(e), Cell(e.value("created_at", json()))});
  }
  PrintTable({"ID", "NAME", "INTERVAL", "PAUSED", "DESTINATION", "CREATED"}, rows);
}

void PrintExport(const json& e) {
  std::vector<std::vector<std::string>> rows;
  for (const char* key :
       {"id", "name", "model", "interval", "timezone", "interval_offset", "paused", "start_at",
        "end_at", "created_at", "last_updated_at", "last_paused_at"}) {
    if (e.contains(key)) rows.push_back({key, Cell(e[key])});
  }
  const json dest = e.value("destination", json::object());
  rows.push_back({"destination.type", Cell(dest.value("type", json()))});
  const json config = dest.value("config", json::object());
  for (const auto& [key, value] : config.items()) {
    // Secrets come back as {"set": true|false}.
    const bool secret = value.is_object() && value.size() == 1 && value.contains("set");
    rows.push_back({"destination.config." + key,
                    secret ? (value["set"].get<bool>() ? "(set)" : "(unset)") : Cell(value)});
  }
  PrintTable({"FIELD", "VALUE"}, rows);
}

int Output(const ClientFlags& client, const json& value, void (*print)(const json&)) {
  if (client.json) {
    fmt::print("{}\n", value.dump(2));
  } else {
    print(value);
  }
  return 0;
}

CLI::App* Command(CLI::App& parent, const char* name, const char* help, ExportsFlags& flags) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  AddClientFlags(*cmd, flags.client);
  return cmd;
}

}  // namespace

void AddExportsCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<ExportsFlags>();
  CLI::App* exports = parent.add_subcommand(
      "exports",
      "Manage batch exports on a running server (see 'serve'); --url/--token or "
      "BATCH_EXPORT_URL/BATCH_EXPORT_TOKEN say where");
  exports->require_subcommand(1);

  CLI::App* create = Command(*exports, "create", "Create an export from a JSON file", *flags);
  create->add_option("--file", flags->file, "Export definition (the API's JSON shape)")->required();
  create->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      const json created = api.Post("/api/batch_exports", ReadJsonFile("--file", flags->file));
      if (!flags->client.json) fmt::print("Created export {}\n", Cell(created["id"]));
      return Output(flags->client, created, PrintExport);
    };
  });

  CLI::App* list = Command(*exports, "list", "List exports", *flags);
  list->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      return Output(flags->client, api.GetAll("/api/batch_exports"), PrintExports);
    };
  });

  CLI::App* show = Command(*exports, "show", "Show one export (secrets as set/unset)", *flags);
  show->add_option("ID", flags->id, "Export id")->required();
  show->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      return Output(flags->client, api.Get(ExportPath(flags->id)), PrintExport);
    };
  });

  CLI::App* pause = Command(*exports, "pause", "Pause an export: no new scheduled runs", *flags);
  pause->add_option("ID", flags->id, "Export id")->required();
  pause->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      const json e = api.Post(ExportPath(flags->id, "/pause"));
      if (!flags->client.json) fmt::print("Paused export {}\n", flags->id);
      return flags->client.json ? Output(flags->client, e, PrintExport) : 0;
    };
  });

  CLI::App* unpause = Command(*exports, "unpause", "Unpause an export", *flags);
  unpause->add_option("ID", flags->id, "Export id")->required();
  unpause->add_flag("--backfill", flags->backfill,
                    "Also backfill the intervals that passed while it was paused");
  unpause->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      const json e = api.Post(ExportPath(flags->id, "/unpause"), {{"backfill", flags->backfill}});
      if (!flags->client.json) {
        fmt::print("Unpaused export {}{}\n", flags->id,
                   flags->backfill ? ", backfilling the paused span" : "");
      }
      return flags->client.json ? Output(flags->client, e, PrintExport) : 0;
    };
  });

  CLI::App* check = Command(*exports, "check",
                            "Test the export's destination: credentials and write access", *flags);
  check->add_option("ID", flags->id, "Export id")->required();
  check->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      json r;
      try {
        r = api.Post(ExportPath(flags->id, "/check"));
      } catch (const Error& e) {
        // The destination refused: reported and exited as `batch-export check` does.
        if (e.kind() != ErrorKind::kNonRetryable || e.type() == "NotFound") throw;
        fmt::print("FAILED  destination of export {}: {}\n", flags->id, e.Describe());
        return kExitFailed;
      }
      if (flags->client.json) return Output(flags->client, r, PrintExport);
      fmt::print("OK  destination of export {} is reachable and writable\n", flags->id);
      return 0;
    };
  });

  CLI::App* del =
      Command(*exports, "delete", "Delete an export; its queued and running runs stop", *flags);
  del->add_option("ID", flags->id, "Export id")->required();
  del->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      api.Delete(ExportPath(flags->id));
      if (!flags->client.json) fmt::print("Deleted export {}\n", flags->id);
      return 0;
    };
  });
}

}  // namespace bx
