// `batch-export serve`: the service (scheduler, workers) and its HTTP server (API, capture,
// metrics) until SIGTERM or SIGINT; then the server stops first, the service second (reverse
// order of start), and the command exits 0.

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>

#include <fmt/format.h>

#include "base/error.h"
#include "base/log.h"
#include "cli/cli.h"
#include "cli/state_flags.h"
#include "server/api_server.h"
#include "server/api_token.h"
#include "service/service.h"
#include "source/all/sources.h"

namespace bx {
namespace {

struct ServeFlags {
  std::string data_dir = "./bx";
  std::string source = "./data/events.db";
  std::string listen = "127.0.0.1:8000";
  size_t workers = 2;
  StateFlags state;
  int64_t capture_team_id = 1;
  // Set by the flag, else $BATCH_EXPORT_CORS_ORIGINS, else "*" (capture and flags paths) ...
  std::string cors_origins;
  // ... and by the flag, else $BATCH_EXPORT_API_CORS_ORIGINS, else none (/api/).
  std::string api_cors_origins;
};

// The flag when given (even as ""), else the environment variable, else `fallback`. Not CLI11's
// envname: with subcommands it let the environment override a flag.
std::string FlagEnvOrDefault(const CLI::App& cmd, const char* flag, const std::string& value,
                             const char* env, const std::string& fallback) {
  if (cmd.count(flag) > 0) return value;
  const char* from_env = std::getenv(env);
  return from_env ? from_env : fallback;
}

std::pair<std::string, int> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw InvalidArgument("--listen", "'" + listen + "' is not host:port");
  }
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) {
    throw InvalidArgument("--listen", "'" + listen + "' has no valid port");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {host, port};
}

int Serve(const ServeFlags& flags) {
  const auto [host, port] = ParseListen(flags.listen);
  if (flags.workers < 1) throw InvalidArgument("--workers", "must be at least 1");
  const CorsOrigins ingest_cors = ParseCorsOrigins(flags.cors_origins, "--cors-origins");
  const CorsOrigins api_cors = ParseCorsOrigins(flags.api_cors_origins, "--api-cors-origins");

  // Block the stop signals in every thread (threads inherit the mask); sigwait takes them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const ApiToken token = LoadOrCreateApiToken(flags.data_dir);
  if (token.created) {
    fmt::print("API token (shown once; stored 0600 in {}):\n  {}\n",
               ApiTokenPath(flags.data_dir).string(), token.value);
  }

  ServiceOptions service_options;
  service_options.data_dir = flags.data_dir;
  service_options.source_path = flags.source;
  service_options.workers = flags.workers;
  ApplyStateFlags(flags.state, service_options);
  std::unique_ptr<Service> service = StartService(std::move(service_options));

  ApiServerOptions server_options;
  server_options.host = host;
  server_options.port = port;
  server_options.api_token = token.value;
  // Capture writes into the embedded store; with another source it is off.
  server_options.event_store = EmbeddedStorePath(flags.source).value_or("");
  server_options.capture.team_id = flags.capture_team_id;
  server_options.ingest_cors = ingest_cors;
  server_options.api_cors = api_cors;
  ApiServer server(*service, server_options);
  try {
    server.Start();
  } catch (const Error&) {
    service->Stop();
    throw;
  }
  fmt::print("Listening on http://{}:{} (data dir {}, state {}, source {}, {} workers)\n", host,
             server.port(), flags.data_dir, DescribeState(flags.state, flags.data_dir),
             DescribeSource(flags.source), flags.workers);
  std::fflush(stdout);
  spdlog::info("serving on {}:{}", host, server.port());

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("{}: stopping the HTTP server, then the service", strsignal(signal));
  server.Stop();
  service->Stop();
  fmt::print("Stopped ({})\n", strsignal(signal));
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& parent, CommandAction& action) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "serve",
      "Run the service: REST API, capture endpoint, /metrics, scheduler and workers. Prints the "
      "admin API token on first start. SIGTERM/SIGINT stop it; runs cut short are retried later");
  cmd->add_option("--data-dir", flags->data_dir, "State (SQLite), secret key and API token")
      ->capture_default_str();
  cmd->add_option("--source", flags->source,
                  std::string(kSourceHelp) + "; /capture and /batch write an embedded store")
      ->capture_default_str();
  cmd->add_option("--listen", flags->listen, "host:port to serve HTTP on")->capture_default_str();
  cmd->add_option("--workers", flags->workers, "Runs executed at once")->capture_default_str();
  AddStateFlags(*cmd, flags->state);
  cmd->add_option("--capture-team-id", flags->capture_team_id, "team_id of captured events")
      ->capture_default_str();
  cmd->add_option("--cors-origins", flags->cors_origins,
                  "Web origins whose pages may send events and flags calls from a browser "
                  "(comma-separated scheme://host[:port], * for any, \"\" for none; default: "
                  "$BATCH_EXPORT_CORS_ORIGINS, else *)");
  cmd->add_option("--api-cors-origins", flags->api_cors_origins,
                  "Web origins whose pages may call /api/ from a browser (default: "
                  "$BATCH_EXPORT_API_CORS_ORIGINS, else none)");
  cmd->callback([flags, cmd, &action] {
    flags->cors_origins = FlagEnvOrDefault(*cmd, "--cors-origins", flags->cors_origins,
                                           "BATCH_EXPORT_CORS_ORIGINS", "*");
    flags->api_cors_origins = FlagEnvOrDefault(*cmd, "--api-cors-origins", flags->api_cors_origins,
                                               "BATCH_EXPORT_API_CORS_ORIGINS", "");
    action = [flags] { return Serve(*flags); };
  });
}

}  // namespace bx
