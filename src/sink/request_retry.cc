#include "sink/request_retry.h"

#include <algorithm>
#include <random>
#include <thread>

namespace bx {

std::chrono::milliseconds RetryDelay(const RequestRetryPolicy& policy, int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const int64_t ceiling = std::min<int64_t>(policy.max_delay.count(), policy.base_delay.count()
                                                                          << std::min(attempt, 20));
  std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(ceiling / 2, 0));
  return std::chrono::milliseconds(ceiling / 2 + jitter(random));
}

void SleepBeforeRetry(const RequestRetryPolicy& policy, int attempt,
                      const std::atomic<bool>* cancel) {
  const auto until = std::chrono::steady_clock::now() + RetryDelay(policy, attempt);
  while (!(cancel && cancel->load(std::memory_order_relaxed)) &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
  }
}

}  // namespace bx
