#pragma once
// Retries of one request to a remote service (S3, BigQuery, Snowflake) within a run's attempt:
// capped exponential backoff with "equal jitter" (half fixed, half random, so that parallel
// requests throttled together spread out); a cancelled run stops waiting at once.

#include <atomic>
#include <chrono>

namespace bx {

struct RequestRetryPolicy {
  int max_attempts = 10;
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{5000};
};

// How long to wait after the `attempt`-th try (from 1) failed.
std::chrono::milliseconds RetryDelay(const RequestRetryPolicy& policy, int attempt);

// Waits RetryDelay(policy, attempt) in short steps, returning as soon as `*cancel` is true.
void SleepBeforeRetry(const RequestRetryPolicy& policy, int attempt,
                      const std::atomic<bool>* cancel);

}  // namespace bx
