// `batch-export backfills create|list|cancel`: export past intervals on demand.

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <chrono>
#include <thread>

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

struct BackfillsFlags {
  ClientFlags client;
  std::string export_id;
  std::string backfill_id;
  std::string start, end;
  bool wait = false;
  double poll_seconds = 0.5;
};

constexpr uint64_t kFailedRunsShown = 3;

std::string Progress(const json& b) {
  return fmt::format("{}/{}", b.value("finished_runs", 0), b.value("total_runs", 0));
}

void PrintBackfills(const json& backfills) {
  std::vector<std::vector<std::string>> rows;
  for (const json& b : backfills) {
    rows.push_back({Cell(b.value("id", json())), Cell(b.value("status", json())),
                    Cell(b.value("start_at", json())), Cell(b.value("end_at", json())), Progress(b),
                    Cell(b.value("created_at", json()))});
  }
  PrintTable({"ID", "STATUS", "START", "END", "RUNS DONE", "CREATED"}, rows);
}

// What the backfill's runs did: rows and bytes when it completed; otherwise each failed run's
// error and the command that shows its log.
void PrintOutcome(ApiClient& api, const std::string& export_id, const std::string& backfill_id,
                  const std::string& status) {
  const bool completed = status == "Completed";
  const json runs = api.GetAll(
      ExportPath(export_id, completed ? "/runs?status=Completed" : "/runs?status=Failed"));
  uint64_t rows = 0, bytes = 0, completed_runs = 0, failed = 0;
  for (const json& r : runs) {
    if (r.value("backfill_id", json()) != json(backfill_id)) continue;
    if (completed) {
      ++completed_runs;
      rows += r.value("records_completed", uint64_t{0});
      bytes += r.value("bytes_exported", uint64_t{0});
    } else if (++failed <= kFailedRunsShown) {
      fmt::print("  run {} ({} .. {}) failed: {}\n", r.value("id", ""),
                 r.value("data_interval_start", ""), r.value("data_interval_end", ""),
                 Shorten(r.value("latest_error", ""), 300));
      fmt::print("    log: batch-export runs logs {} --export {}\n", r.value("id", ""), export_id);
    }
  }
  if (completed) {
    fmt::print("Exported {} rows ({}) in {} runs\n", FormatCount(rows), FormatBytes(bytes),
               FormatCount(completed_runs));
  } else if (failed > kFailedRunsShown) {
    fmt::print("  ... and {} more failed runs: batch-export runs list {} --status Failed\n",
               failed - kFailedRunsShown, export_id);
  }
}

// Polls until the backfill leaves Running, redrawing a progress bar; the exit status says how
// it ended.
int Wait(ApiClient& api, const BackfillsFlags& flags, json backfill) {
  const std::string path =
      ExportPath(flags.export_id, "/backfills/" + UrlEncode(backfill.value("id", "")));
  const bool tty = ::isatty(STDOUT_FILENO);
  std::string last;
  for (;;) {
    const std::string line =
        ProgressBar(backfill.value("finished_runs", 0), backfill.value("total_runs", 0));
    if (line != last) {
      // On a terminal the bar redraws in place; in a log, one line per change.
      if (tty) {
        fmt::print("\r{}", line);
      } else {
        fmt::print("{}\n", line);
      }
      std::fflush(stdout);
      last = line;
    }
    if (backfill.value("status", "") != "Running") break;
    std::this_thread::sleep_for(std::chrono::duration<double>(flags.poll_seconds));
    backfill = api.Get(path);
  }
  if (tty) fmt::print("\n");
  const std::string status = backfill.value("status", "");
  fmt::print("Backfill {} {}: {} runs done\n", backfill.value("id", ""), status,
             Progress(backfill));
  PrintOutcome(api, flags.export_id, backfill.value("id", ""), status);
  return status == "Completed" ? 0 : kExitFailed;
}

CLI::App* Command(CLI::App& parent, const char* name, const char* help, BackfillsFlags& flags) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  AddClientFlags(*cmd, flags.client);
  return cmd;
}

}  // namespace

void AddBackfillsCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<BackfillsFlags>();
  CLI::App* backfills =
      parent.add_subcommand("backfills", "Export past intervals of an export on demand");
  backfills->require_subcommand(1);

  CLI::App* create =
      Command(*backfills, "create", "Backfill every whole interval in [--start, --end)", *flags);
  create->add_option("EXPORT_ID", flags->export_id, "Export id")->required();
  create
      ->add_option("--start", flags->start,
                   "Start, e.g. 2024-01-01 (date only for day and week exports)")
      ->required();
  create->add_option("--end", flags->end, "End (exclusive), not in the future")->required();
  create->add_flag("--wait", flags->wait, "Show a progress bar until the backfill finishes");
  create->add_option("--poll", flags->poll_seconds, "Seconds between progress checks (--wait)")
      ->capture_default_str();
  create->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      const json backfill = api.Post(ExportPath(flags->export_id, "/backfills"),
                                     {{"start_at", flags->start}, {"end_at", flags->end}});
      if (flags->client.json && !flags->wait) {
        fmt::print("{}\n", backfill.dump(2));
        return 0;
      }
      fmt::print("Created backfill {} of export {}: {} runs\n", backfill.value("id", ""),
                 flags->export_id, backfill.value("total_runs", 0));
      return flags->wait ? Wait(api, *flags, backfill) : 0;
    };
  });

  CLI::App* list = Command(*backfills, "list", "List an export's backfills", *flags);
  list->add_option("EXPORT_ID", flags->export_id, "Export id")->required();
  list->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      const json all = api.GetAll(ExportPath(flags->export_id, "/backfills"));
      if (flags->client.json) {
        fmt::print("{}\n", all.dump(2));
      } else {
        PrintBackfills(all);
      }
      return 0;
    };
  });

  CLI::App* cancel =
      Command(*backfills, "cancel", "Cancel a backfill: its queued and running runs stop", *flags);
  cancel->add_option("BACKFILL_ID", flags->backfill_id, "Backfill id")->required();
  cancel->add_option("--export", flags->export_id, "The backfill's export")->required();
  cancel->callback([flags, &action] {
    action = [flags] {
      ApiClient api(flags->client);
      const json b = api.Post(
          ExportPath(flags->export_id, "/backfills/" + UrlEncode(flags->backfill_id) + "/cancel"));
      if (flags->client.json) {
        fmt::print("{}\n", b.dump(2));
      } else {
        fmt::print("Backfill {} {}: {} runs done\n", flags->backfill_id, b.value("status", ""),
                   Progress(b));
      }
      return 0;
    };
  });
}

}  // namespace bx
