#pragma once
// The URL of a server a ctest fixture started: its start script writes it to <dir>/url, and the
// test's environment names the dir. A missing server fails the test with a message saying how
// to get one; it never skips.

#include <cstdlib>
#include <fstream>
#include <string>

#include "base/error.h"

namespace bx::testing {

// `server` names it in the message ("PostgreSQL"); `fixture` is the ctest fixture, `script` its
// start script under scripts/, `dir_env` the variable naming the script's state dir.
inline std::string FixtureUrl(const char* server, const char* fixture, const char* script,
                              const char* dir_env) {
  const char* dir = std::getenv(dir_env);
  std::string url;
  if (dir && *dir) {
    std::ifstream in(std::string(dir) + "/url");
    std::getline(in, url);
  }
  if (url.empty()) {
    throw Error(ErrorKind::kInternal, "TestSetup",
                std::string("no ") + server + " test server: run these tests through ctest " +
                    "(fixture `" + fixture + "`, scripts/" + script + "), or start one with " +
                    "`scripts/" + script + " DIR auto` and set " + dir_env + "=DIR (" + dir_env +
                    "=" + (dir ? dir : "unset") + ")");
  }
  return url;
}

}  // namespace bx::testing
