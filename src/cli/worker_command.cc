// `batch-export worker`: workers only (no HTTP, no scheduler), joining the nodes that share a
// PostgreSQL state store; runs until SIGTERM or SIGINT, then hands back what it could not
// finish within the grace period, and exits 0.

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "base/error.h"
#include "base/log.h"
#include "cli/cli.h"
#include "cli/state_flags.h"
#include "service/service.h"
#include "source/all/sources.h"

namespace bx {
namespace {

struct WorkerFlags {
  StateFlags state;
  std::string data_dir;  // none: a worker keeps nothing locally unless told to
  std::string source = "./data/events.db";
  size_t workers = 4;
};

int Work(const WorkerFlags& flags) {
  if (flags.state.state.empty()) {
    throw InvalidArgument("--state", "is required: the postgres:// URL the nodes share");
  }
  if (flags.workers < 1) throw InvalidArgument("--workers", "must be at least 1");
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ServiceOptions options;
  options.data_dir = flags.data_dir;
  options.source_path = flags.source;
  options.workers = flags.workers;
  options.run_scheduler = false;
  ApplyStateFlags(flags.state, options);
  std::unique_ptr<Service> service = StartService(std::move(options));
  fmt::print("Working ({} workers, state {}, source {})\n", flags.workers,
             DescribeState(flags.state, flags.data_dir), DescribeSource(flags.source));
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("{}: stopping the workers", strsignal(signal));
  service->Stop();
  fmt::print("Stopped ({})\n", strsignal(signal));
  return 0;
}

}  // namespace

void AddWorkerCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<WorkerFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "worker",
      "Run workers only (no API, no scheduler) against a shared PostgreSQL state store; start "
      "any number of them beside `serve` nodes. SIGTERM/SIGINT stop it");
  AddStateFlags(*cmd, flags->state);
  cmd->add_option("--data-dir", flags->data_dir,
                  "A directory for this node's local files (a worker of a shared state needs "
                  "none: its secret key comes from BATCH_EXPORT_SECRET_KEY or --secret-key-file)");
  cmd->add_option("--source", flags->source, kSourceHelp)->capture_default_str();
  cmd->add_option("--workers", flags->workers, "Runs executed at once")->capture_default_str();
  cmd->callback([flags, &action] { action = [flags] { return Work(*flags); }; });
}

}  // namespace bx
