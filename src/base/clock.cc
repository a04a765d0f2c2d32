#include "base/clock.h"

#include <vector>

namespace bx {

Micros SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Micros ManualClock::Now() const {
  std::lock_guard lock(mu_);
  return now_;
}

int ManualClock::Subscribe(std::function<void()> on_change) {
  std::lock_guard lock(mu_);
  listeners_[next_handle_] = std::move(on_change);
  return next_handle_++;
}

void ManualClock::Unsubscribe(int handle) {
  std::lock_guard lock(mu_);
  listeners_.erase(handle);
}

void ManualClock::Set(Micros now) {
  std::vector<std::function<void()>> listeners;
  {
    std::lock_guard lock(mu_);
    now_ = now;
    for (auto& [handle, f] : listeners_) listeners.push_back(f);
  }
  for (auto& f : listeners) f();
}

Waker::Waker(std::shared_ptr<Clock> clock) : clock_(std::move(clock)) {
  subscription_ = clock_->Subscribe([this] { Wake(); });
}

Waker::~Waker() { clock_->Unsubscribe(subscription_); }

void Waker::WaitUntil(Micros deadline) {
  std::unique_lock lock(mu_);
  const uint64_t generation = generation_;
  auto woken = [&] { return closed_ || generation_ != generation; };
  if (woken()) return;
  const Micros now = clock_->Now();
  if (now >= deadline) return;
  if (auto real = clock_->RealDuration(deadline - now)) {
    cv_.wait_for(lock, *real, woken);
  } else {
    cv_.wait(lock, woken);
  }
}

void Waker::Wake() {
  {
    std::lock_guard lock(mu_);
    ++generation_;
  }
  cv_.notify_all();
}

void Waker::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool Waker::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

}  // namespace bx
