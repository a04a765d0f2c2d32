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

  // The next sink's estimate of what it has taken, plus the bytes still on their way to it at
  // the ratio so far: asking must not wait for the thread, or a file split by size (which asks
  // every few thousand rows) would encode and compress in turn instead of at once.
  uint64_t EstimatedSize() const override {
    if (state_ == State::kDone) return inner_->EstimatedSize();
    std::unique_lock lock(mu_);
    // Until a whole chunk went through, the next sink's ratio is not known well (a compressor
    // that has not flushed yet counts its input as is).
    if (consumed_ < chunk_bytes_) {
      lock.unlock();
      Drain();
      return inner_->EstimatedSize();
    }
    const double ratio = static_cast<double>(inner_estimate_) / static_cast<double>(consumed_);
    return inner_estimate_ +
           static_cast<uint64_t>(ratio * static_cast<double>(written_ - consumed_));
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
      uint64_t estimate = 0;
      try {
        inner_->Append(chunk);
        estimate = inner_->EstimatedSize();
      } catch (...) {
        // Thread boundary: handed to the producer, which rethrows it from its next call.
        error = std::current_exception();
      }
      std::lock_guard lock(mu_);
      busy_ = false;
      consumed_ += chunk.size();
      inner_estimate_ = estimate;
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
  uint64_t consumed_ = 0;        // bytes the next sink has taken
  uint64_t inner_estimate_ = 0;  // its EstimatedSize() after taking them
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<ByteSink> MakeBackgroundSink(std::unique_ptr<ByteSink> inner, size_t chunk_bytes,
                                             size_t max_chunks) {
  return std::make_unique<BackgroundSink>(std::move(inner), chunk_bytes, max_chunks);
}

}  // namespace bx
