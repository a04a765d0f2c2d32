// `batch-export runs list|retry|logs`: an export's runs from the command line.

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "base/error.h"
#include "base/strings.h"
#include "cli/api_client.h"
#include "cli/cli.h"
#include "cli/table.h"
#include "server/pagination.h"

namespace bx {
namespace {

using nlohmann::json;

struct RunsFlags {
  ClientFlags client;
  std::string export_id;
  std::string run_id;
  std::string status;
  size_t limit = 50;
};

// The API addresses a run through its export; without --export, ask each export in turn.
std::string ResolveExport(ApiClient& api, const RunsFlags& flags) {
  if (!flags.export_id.empty()) return flags.export_id;
  for (const json& e : api.GetAll("/api/batch_exports")) {
    const std::string id = e.value("id", "");
    try {
      api.Get(ExportPath(id, "/runs/" + UrlEncode(flags.run_id)));
      return id;
    } catch (const Error& err) {
      if (err.type() != "NotFound") throw;
    }
  }
  throw Error(ErrorKind::kNonRetryable, "NotFound", "no export has a run '" + flags.run_id + "'");
}

// Errors can be kilobytes (an S3 error body): the table keeps one short line per run.
constexpr size_t kErrorCellChars = 80;

std::string Count(const json& v) {
  return v.is_number_unsigned() ? FormatCount(v.get<uint64_t>()) : Cell(v);
}

void PrintRuns(const json& runs) {
  std::vector<std::vector<std::string>> rows;
  for (const json& r : runs) {
    rows.push_back({Cell(r.value("id", json())), Cell(r.value("status", json())),
                    Cell(r.value("data_interval_start", json())),
                    Cell(r.value("data_interval_end", json())),
                    Count(r.value("records_completed", json())),
                    r.value("bytes_exported", json()).is_number_unsigned()
                        ? FormatBytes(r["bytes_exported"].get<uint64_t>())
                        : "-",
                    Cell(r.value("attempts", json())),
                    r.value("latest_error", json()).is_string()
                        ? Shorten(r["latest_error"].get<std::string>(), kErrorCellChars)
                        : ""});
  }
  PrintTable({"ID", "STATUS", "START", "END", "ROWS", "BYTES", "ATTEMPTS", "ERROR"}, rows);
}

CLI::App* Command(CLI::App& parent, const char* name, const char* help, RunsFlags& flags) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  AddClientFlags(*cmd, flags.client);
  return cmd;
}

}  // namespace

void AddRunsCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<RunsFlags>();
  CLI::App* runs = parent.add_subcommand("runs", "List, retry and read the logs of export runs");
  runs->require_subcommand(1);

  CLI::App* list = Command(*runs, "list", "List an export's runs, newest first", *flags);
  list->add_option("EXPORT_ID", flags->export_id, "Export id")->required();
  list->add_option("--status", flags->status,
                   "Only runs in this state: Starting, Running, Completed, Failed, "
                   "FailedRetryable, Cancelled");
  list->add_option("--limit", flags->limit, "At most this many runs")->capture_default_str();
  list->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      std::string path = ExportPath(flags->export_id, "/runs") +
                         fmt::format("?limit={}", std::clamp<size_t>(flags->limit, 1, 1000));
      if (!flags->status.empty()) path += "&status=" + UrlEncode(flags->status);
      const json page = api.Get(path);
      const json runs = page.value("results", json::array());
      if (flags->client.json) {
        fmt::print("{}\n", runs.dump(2));
      } else {
        PrintRuns(runs);
      }
      return 0;
    };
  });

  const char* export_help =
      "The run's export; without it every export is asked for the run (one request each)";

  CLI::App* retry =
      Command(*runs, "retry", "Run a finished run again (same interval, same keys)", *flags);
  retry->add_option("RUN_ID", flags->run_id, "Run id")->required();
  retry->add_option("--export", flags->export_id, export_help);
  retry->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      const std::string export_id = ResolveExport(api, *flags);
      const json run =
          api.Post(ExportPath(export_id, "/runs/" + UrlEncode(flags->run_id) + "/retry"));
      if (flags->client.json) {
        fmt::print("{}\n", run.dump(2));
      } else {
        fmt::print("Retrying run {} of export {}\n", flags->run_id, export_id);
        PrintRuns(json::array({run}));
      }
      return 0;
    };
  });

  CLI::App* logs = Command(*runs, "logs", "Print a run's log lines", *flags);
  logs->add_option("RUN_ID", flags->run_id, "Run id")->required();
  logs->add_option("--export", flags->export_id, export_help);
  logs->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      const std::string export_id = ResolveExport(api, *flags);
      json lines = api.GetAll(ExportPath(export_id, "/runs/" + UrlEncode(flags->run_id) + "/logs"));
      if (flags->client.json) {
        fmt::print("{}\n", lines.dump(2));
        return 0;
      }
      // A log reads oldest first, whichever order the pages came in (ISO times sort as text).
      std::stable_sort(lines.begin(), lines.end(), [](const json& a, const json& b) {
        return a.value("timestamp", "") < b.value("timestamp", "");
      });
      for (const json& l : lines) {
        fmt::print("{}  {:<5}  {}\n", Cell(l.value("timestamp", json())),
                   Cell(l.value("level", json())), Cell(l.value("message", json())));
      }
      if (lines.empty()) fmt::print("(no log lines)\n");
      return 0;
    };
  });
}

}  // namespace bx
