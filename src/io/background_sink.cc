#include "io/background_sink.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "base/error.h"

namespace bx {
namespace {

class BackgroundSink : public ByteSink {
 public:
  BackgroundSink(std::unique_ptr<ByteSink> inner, size_t chunk_bytes, size_t max_chunks)
      : inner_(std::move(inner)),
        chunk_bytes_(std::max<size_t>(chunk_bytes, 1)),
        max_chunks_(std::max<size_t>(max_chunks, 1)) {
    current_.reserve(chunk_bytes_);
    thread_ = std::thread([this] { Run(); });
  }

  ~BackgroundSink() override { Abort(); }

  void Append(std::string_view bytes) override {
    CheckOpen();
    written_ += bytes.size();
    while (!bytes.empty()) {
      const size_t take = std::min(bytes.size(), chunk_bytes_ - current_.size());
      current_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (current_.size() == chunk_bytes_) Submit();
    }
  }

  void Finish() override {
    CheckOpen();
    Drain();
    StopThread();
    inner_->Finish();  // when it throws, the caller's Abort() aborts it
    state_ = State::kDone;
  }

  void Abort() noexcept override {
    if (state_ == State::kDone) return;
    state_ = State::kDone;
    StopThread();
    inner_->Abort();
  }

  uint64_t BytesWritten() const override { return written_; }

  // Waits for the thread only now and then: at 256 KiB, 512 KiB, 1 MiB, ... of input, then every
  // 4 MiB. In between, the bytes appended since count at the ratio measured then. A file split
  // by size asks every few thousand rows: waiting each time made encoding and compression take
  // turns. Only what was appended decides when to wait, never how far the thread has got, so a
  // file is cut at the same row on every run.
  uint64_t EstimatedSize() const override {
    if (state_ == State::kDone) return inner_->EstimatedSize();
    const uint64_t since = written_ - measured_written_;
    if (measured_written_ == 0 ||
        since >=
            std::min<uint64_t>(kMeasureEvery, std::max<uint64_t>(measured_written_, 256 << 10))) {
      Drain();
      measured_written_ = written_;
      measured_estimate_ = inner_->EstimatedSize();
      return measured_estimate_;
    }
    const double ratio =
        static_cast<double>(measured_estimate_) / static_cast<double>(measured_written_);
    return measured_estimate_ + static_cast<uint64_t>(ratio * static_cast<double>(since));
  }

 private:
  enum class State { kOpen, kDone };

  void CheckOpen() const {
    if (state_ != State::kOpen) {
      throw Error(ErrorKind::kInternal, "InternalError", "background sink used after its end");
    }
  }

  // Queues the chunk being filled, waiting while the queue is full.
  void Submit() const {
    if (current_.empty()) return;
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return queue_.size() < max_chunks_ || error_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back(std::move(current_));
    current_ = std::move(spare_);
    current_.clear();
    current_.reserve(chunk_bytes_);
    changed_.notify_all();
  }

  // Returns once the next sink has taken every byte appended so far.
  void Drain() const {
    Submit();
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return (queue_.empty() && !busy_) || error_; });
    if (error_) std::rethrow_exception(error_);
  }

  void StopThread() noexcept {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      queue_.clear();
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void Run() {
    while (true) {
      std::string chunk;
      {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        chunk = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
      }
      std::exception_ptr error;
      try {
        inner_->Append(chunk);
      } catch (...) {
        // Thread boundary: handed to the producer, which rethrows it from its next call.
        error = std::current_exception();
      }
      std::lock_guard lock(mu_);
      busy_ = false;
      if (error) {
        error_ = error;
        queue_.clear();
      }
      spare_ = std::move(chunk);
      changed_.notify_all();
    }
  }

  std::unique_ptr<ByteSink> inner_;  // used by the thread between Submit and Drain, else here
  const size_t chunk_bytes_;
  const size_t max_chunks_;
  State state_ = State::kOpen;
  uint64_t written_ = 0;

  // EstimatedSize() is const but hands the partial chunk over and waits: that changes no
  // observable state, only when bytes move.
  mutable std::string current_;  // the chunk being filled, producer side
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  mutable std::deque<std::string> queue_;
  mutable std::string spare_;  // a consumed chunk's buffer, reused
  mutable bool busy_ = false;  // the thread is appending a chunk
  mutable std::exception_ptr error_;
  static constexpr uint64_t kMeasureEvery = 4 << 20;
  // Producer side: written_ and the next sink's estimate when EstimatedSize() last waited.
  mutable uint64_t measured_written_ = 0;
  mutable uint64_t measured_estimate_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<ByteSink> MakeBackgroundSink(std::unique_ptr<ByteSink> inner, size_t chunk_bytes,
                                             size_t max_chunks) {
  return std::make_unique<BackgroundSink>(std::move(inner), chunk_bytes, max_chunks);
}

}  // namespace bx
