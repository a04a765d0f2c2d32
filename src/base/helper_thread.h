#pragma once
// A second thread for work split in two: Start(task) hands `task` over, the caller does its own
// part meanwhile, Wait() returns once the task has run and rethrows what it threw. One task at a
// time; the thread lives as long as the object.

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace bx {

class HelperThread {
 public:
  HelperThread();
  // Waits for a task in flight (its error is dropped), then ends the thread.
  ~HelperThread();
  HelperThread(const HelperThread&) = delete;
  HelperThread& operator=(const HelperThread&) = delete;

  // `task` must not be running already (Wait() first).
  void Start(std::function<void()> task);
  // Blocks until the task started last has run; rethrows its exception.
  void Wait();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable changed_;
  std::function<void()> task_;
  bool pending_ = false;  // started, not yet finished
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace bx
