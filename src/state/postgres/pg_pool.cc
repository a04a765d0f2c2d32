#include "state/postgres/pg_pool.h"

#include <thread>

#include "base/error.h"
#include "base/log.h"

namespace bx::pg {
namespace {

constexpr size_t kMaxIdle = 16;
constexpr auto kReconnectPause = std::chrono::milliseconds(200);

}  // namespace

Pool::Pool(std::string conninfo, std::chrono::milliseconds reconnect_window)
    : conninfo_(std::move(conninfo)), reconnect_window_(reconnect_window) {}

Pool::~Pool() = default;

std::unique_ptr<Connection> Pool::Acquire(std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (!conn->ClosedWhileIdle()) return conn;
    }
  }
  for (;;) {
    try {
      return std::make_unique<Connection>(conninfo_);
    } catch (const Error& e) {
      if (!e.retryable() || std::chrono::steady_clock::now() + kReconnectPause > deadline) throw;
      spdlog::debug("state store: {}; trying again", e.message());
    }
    std::this_thread::sleep_for(kReconnectPause);
  }
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  if (conn->broken()) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
}

bool Pool::AfterFailure(std::unique_ptr<Connection> conn, bool idempotent,
                        std::chrono::steady_clock::time_point deadline) {
  if (!conn->broken()) {
    conn->RollbackIfInTransaction();
    Release(std::move(conn));
    return false;  // the server answered with an error: trying again gives the same
  }
  return idempotent && std::chrono::steady_clock::now() < deadline;
}

}  // namespace bx::pg
