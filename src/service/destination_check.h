#pragma once
// The API's "test connection": a destination's Check() with a total deadline, on a thread of its
// own, a few at a time. An unreachable endpoint once held an API thread for 17-20 s, and a dozen
// checks held them all.

#include <atomic>
#include <chrono>
#include <memory>

#include "sink/destination.h"

namespace bx {

class DestinationChecker {
 public:
  DestinationChecker(std::chrono::milliseconds deadline, size_t max_concurrent);

  // Returns when Check() passed; throws what it threw, Error "CheckTimeout" when it did not
  // finish within the deadline (it is then cancelled), or "TooManyRequests" when
  // `max_concurrent` checks are running already.
  void Run(std::unique_ptr<Destination> destination);

 private:
  std::chrono::milliseconds deadline_;
  size_t max_concurrent_;
  std::shared_ptr<std::atomic<size_t>> running_;  // shared with checks that outlive a call
};

}  // namespace bx
