#pragma once
// The command line. Exit status: 0 success, 1 a run or request failed, 2 bad input (flags,
// config), with the problem on stderr.

#include <functional>

namespace CLI {
class App;
}

namespace bx {

constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;

// The help of --source, the same for export, serve and worker (source/all/sources.h).
inline constexpr const char* kSourceHelp =
    "Where events are read: the path of an embedded store (or embedded:<path>), or a ClickHouse "
    "URL, clickhouse://user@host:8123/database (password from CLICKHOUSE_PASSWORD or "
    "?password_file=; README.md, Sources)";

// A command's work, run after parsing; returns the exit status.
using CommandAction = std::function<int()>;

int RunCli(int argc, char** argv);

// Each adds its subcommand to `parent` and points `action` at its work when chosen.
void AddGenerateCommand(CLI::App& parent, CommandAction& action);
void AddExportCommand(CLI::App& parent, CommandAction& action);
void AddDemoCommand(CLI::App& parent, CommandAction& action);
void AddCheckCommand(CLI::App& parent, CommandAction& action);
void AddServeCommand(CLI::App& parent, CommandAction& action);
void AddWorkerCommand(CLI::App& parent, CommandAction& action);
// API client commands (talk to a running `serve` over HTTP).
void AddExportsCommand(CLI::App& parent, CommandAction& action);
void AddRunsCommand(CLI::App& parent, CommandAction& action);
void AddBackfillsCommand(CLI::App& parent, CommandAction& action);

}  // namespace bx
