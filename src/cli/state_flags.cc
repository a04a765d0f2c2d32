#include "cli/state_flags.h"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <cstdlib>

#include "base/error.h"
#include "base/log.h"
#include "service/backends.h"
#include "service/service.h"
#include "io/postgres/pg_connection.h"

namespace bx {

void AddStateFlags(CLI::App& cmd, StateFlags& flags) {
  cmd.add_option("--state", flags.state,
                 "State store: empty for SQLite in --data-dir, or postgres://user:pw@host:port/db "
                 "shared by several serve/worker nodes (they need the same secret key: "
                 "BATCH_EXPORT_SECRET_KEY)")
      ->envname("BATCH_EXPORT_STATE");
  cmd.add_option("--secret-key-file", flags.secret_key_file,
                 "File holding the secret key (32 bytes, hex or base64; mode 0600). A shared "
                 "--state needs it or BATCH_EXPORT_SECRET_KEY, the same on every node");
  cmd.add_option("--lease-seconds", flags.lease_seconds,
                 "A claimed run's lease; a dead worker's run is taken over after it")
      ->capture_default_str();
}

void ApplyStateFlags(const StateFlags& flags, ServiceOptions& options) {
  ValidateStateUrl(flags.state);
  if (!(flags.lease_seconds >= 1)) throw InvalidArgument("--lease-seconds", "must be at least 1");
  const char* env_key = std::getenv("BATCH_EXPORT_SECRET_KEY");
  if (!flags.state.empty() && flags.secret_key_file.empty() && !(env_key && *env_key)) {
    // A key generated per node would seal secrets that other nodes' workers cannot open.
    throw InvalidArgument("--state",
                          "a shared state needs the same secret key on every node: set "
                          "BATCH_EXPORT_SECRET_KEY or --secret-key-file");
  }
  options.secret_key_file = flags.secret_key_file;
  options.state_url = flags.state;
  options.lease = static_cast<Micros>(flags.lease_seconds * kMicrosPerSecond);
  options.heartbeat = std::min<Micros>(options.heartbeat, options.lease / 4);
}

std::string DescribeState(const StateFlags& flags, const std::string& data_dir) {
  if (flags.state.empty()) return fmt::format("SQLite in {}", data_dir);
  return pg::RedactConnectionString(flags.state);
}

}  // namespace bx
