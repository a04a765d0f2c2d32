#pragma once
// Time as the service sees it. The system clock in production; a manual clock in tests, which
// moves only when told and wakes whoever waits on it, so tests drive days of schedule without
// sleeping.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "base/time.h"

namespace bx {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros Now() const = 0;
  // The real time to sleep for `d` of this clock to pass; nullopt when only an explicit change
  // of the clock (a manual clock's Advance) can make it pass.
  virtual std::optional<std::chrono::microseconds> RealDuration(Micros d) const = 0;
  // `on_change` runs after each change of Now() that is not the passing of real time.
  // Returns a handle for Unsubscribe.
  virtual int Subscribe(std::function<void()> on_change) { return 0; }
  virtual void Unsubscribe(int handle) {}
};

class SystemClock : public Clock {
 public:
  Micros Now() const override;
  std::optional<std::chrono::microseconds> RealDuration(Micros d) const override {
    return std::chrono::microseconds(d);
  }
};

class ManualClock : public Clock {
 public:
  explicit ManualClock(Micros now) : now_(now) {}
  Micros Now() const override;
  std::optional<std::chrono::microseconds> RealDuration(Micros) const override {
    return std::nullopt;
  }
  int Subscribe(std::function<void()> on_change) override;
  void Unsubscribe(int handle) override;

  void Set(Micros now);
  void Advance(Micros d) { Set(Now() + d); }

 private:
  mutable std::mutex mu_;
  Micros now_;
  int next_handle_ = 1;
  std::map<int, std::function<void()>> listeners_;
};

// A sleep that another thread (or a clock change) can cut short: the service's threads wait on
// one of these between rounds of work.
class Waker {
 public:
  explicit Waker(std::shared_ptr<Clock> clock);
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  // Returns when the clock reaches `deadline`, Wake() is called, or Close()d.
  void WaitUntil(Micros deadline);
  void Wake();
  // Every wait from now on returns at once.
  void Close();
  bool closed() const;

 private:
  std::shared_ptr<Clock> clock_;
  int subscription_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;
  bool closed_ = false;
};

}  // namespace bx
