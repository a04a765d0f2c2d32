#pragma once
// A small pool of connections shared by the store's callers (workers, heartbeats, scheduler,
// API threads). Run() hands a caller a live connection: idle ones the server closed (a restart)
// are dropped before use, and while the server cannot be reached it keeps trying for
// `reconnect_window` before giving up with a retryable bx::Error. A statement that fails on a
// broken connection is retried on a new one only when the caller says that is safe
// (`idempotent`): otherwise it might have been committed, and the error is thrown.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "io/postgres/pg_connection.h"

namespace bx::pg {

class Pool {
 public:
  Pool(std::string conninfo, std::chrono::milliseconds reconnect_window);
  ~Pool();

  template <typename F>
  auto Run(bool idempotent, F&& fn) -> decltype(fn(std::declval<Connection&>())) {
    const auto deadline = std::chrono::steady_clock::now() + reconnect_window_;
    for (;;) {
      std::unique_ptr<Connection> conn = Acquire(deadline);
      bool retry = false;
      try {
        auto result = fn(*conn);
        Release(std::move(conn));
        return result;
      } catch (...) {
        retry = AfterFailure(std::move(conn), idempotent, deadline);
        if (!retry) throw;
      }
    }
  }

  const std::string& conninfo() const { return conninfo_; }

 private:
  std::unique_ptr<Connection> Acquire(std::chrono::steady_clock::time_point deadline);
  void Release(std::unique_ptr<Connection> conn);
  // Rolls back an open transaction or drops a broken connection; true to try again.
  bool AfterFailure(std::unique_ptr<Connection> conn, bool idempotent,
                    std::chrono::steady_clock::time_point deadline);

  const std::string conninfo_;
  const std::chrono::milliseconds reconnect_window_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace bx::pg
