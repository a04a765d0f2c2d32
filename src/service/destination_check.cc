#include "service/destination_check.h"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "base/error.h"

namespace bx {
namespace {

// A cancelled check stops within about a second (S3 calls look at the flag that often).
constexpr std::chrono::milliseconds kCancelGrace{1500};

struct CheckState {
  std::unique_ptr<Destination> destination;
  std::atomic<bool> cancel{false};
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr failure;
};

}  // namespace

DestinationChecker::DestinationChecker(std::chrono::milliseconds deadline, size_t max_concurrent)
    : deadline_(deadline),
      max_concurrent_(max_concurrent),
      running_(std::make_shared<std::atomic<size_t>>(0)) {}

void DestinationChecker::Run(std::unique_ptr<Destination> destination) {
  if (running_->fetch_add(1) >= max_concurrent_) {
    running_->fetch_sub(1);
    throw Error(ErrorKind::kRetryable, "TooManyRequests",
                fmt::format("{} destination checks are running already; try again in a few "
                            "seconds",
                            max_concurrent_));
  }
  auto state = std::make_shared<CheckState>();
  state->destination = std::move(destination);
  state->destination->SetCancel(&state->cancel);
  // Detached: a check that ignores cancellation must not hold the caller; it ends on its own.
  std::thread([state, running = running_] {
    std::exception_ptr failure;
    try {
      state->destination->Check();
    } catch (...) {
      failure = std::current_exception();
    }
    {
      std::lock_guard lock(state->mu);
      state->done = true;
      state->failure = failure;
    }
    state->cv.notify_all();
    running->fetch_sub(1);
  }).detach();

  std::unique_lock lock(state->mu);
  if (!state->cv.wait_for(lock, deadline_, [&] { return state->done; })) {
    state->cancel = true;
    state->cv.wait_for(lock, kCancelGrace, [&] { return state->done; });
    throw Error(ErrorKind::kRetryable, "CheckTimeout",
                fmt::format("the destination did not answer within {} s: check that its "
                            "endpoint is reachable from this server",
                            deadline_.count() / 1000.0));
  }
  if (state->failure) std::rethrow_exception(state->failure);
}

}  // namespace bx
