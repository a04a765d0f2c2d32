#pragma once
// The flags that choose and tune the state store, shared by `serve` and `worker`:
// --state (SQLite in --data-dir by default, or a postgres:// URL shared by several nodes) and
// --lease-seconds (how long a dead worker's run waits before another worker takes it) and
// --secret-key-file (the key that seals secret config fields; every node sharing a state needs
// the same one).

#include <string>

namespace CLI {
class App;
}

namespace bx {

struct ServiceOptions;

struct StateFlags {
  std::string state;          // empty: SQLite in the data dir
  double lease_seconds = 60;  // heartbeats every quarter of it
  std::string secret_key_file;
};

void AddStateFlags(CLI::App& cmd, StateFlags& flags);
// Validates and copies into `options`. Throws bx::Error (InvalidArgument).
void ApplyStateFlags(const StateFlags& flags, ServiceOptions& options);
// For start-up lines: "SQLite in <dir>" or the URL without its password.
std::string DescribeState(const StateFlags& flags, const std::string& data_dir);

}  // namespace bx
