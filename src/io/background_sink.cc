#include "io/background_sink.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
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

  // Never waits for the thread to catch up, or a file split by size (which asks every few
  // thousand rows) would be encoded and compressed in turn instead of at once. The estimate is
  // the next sink's own at a recent point of the input plus the bytes appended since, at the
  // ratio measured there. The points are fixed by the input alone (256 KiB, doubling to 4 MiB,
  // measured there and then; then every 4 MiB, measured by the thread as it passes and used
  // from the next point on), so a file is cut at the same row on every run.
  uint64_t EstimatedSize() const override {
    if (state_ == State::kDone) return inner_->EstimatedSize();
    if (written_ < kMeasureEvery) {
      if (base_written_ == 0 ||
          written_ - base_written_ >= std::max<uint64_t>(base_written_, 256 << 10)) {
        Drain();
        base_written_ = mark_ = written_;
        base_estimate_ = inner_->EstimatedSize();
      }
    } else if (written_ - mark_ >= kMeasureEvery) {
      const uint64_t previous = mark_;
      Submit(written_);
      mark_ = written_;
      if (previous > base_written_) {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return measured_.count(previous) || error_; });
        if (error_) std::rethrow_exception(error_);
        base_written_ = previous;
        base_estimate_ = measured_[previous];
        measured_.erase(previous);
      }
    }
    if (base_written_ == 0) return base_estimate_;
    const double ratio = static_cast<double>(base_estimate_) / static_cast<double>(base_written_);
    return base_estimate_ +
           static_cast<uint64_t>(ratio * static_cast<double>(written_ - base_written_));
  }

 private:
  enum class State { kOpen, kDone };

  void CheckOpen() const {
    if (state_ != State::kOpen) {
      throw Error(ErrorKind::kInternal, "InternalError", "background sink used after its end");
    }
  }

  // Queues the chunk being filled, waiting while the queue is full. With `measure_at`, the
  // thread records the next sink's estimate once it has taken the chunk (in measured_).
  void Submit(uint64_t measure_at = 0) const {
    if (current_.empty() && measure_at == 0) return;
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return queue_.size() < max_chunks_ || error_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back({std::move(current_), measure_at});
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
      Chunk chunk;
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
        if (!chunk.bytes.empty()) inner_->Append(chunk.bytes);
        if (chunk.measure_at != 0) estimate = inner_->EstimatedSize();
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
      if (chunk.measure_at != 0 && !error) measured_[chunk.measure_at] = estimate;
      spare_ = std::move(chunk.bytes);
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
  struct Chunk {
    std::string bytes;
    uint64_t measure_at = 0;  // see Submit
  };
  mutable std::deque<Chunk> queue_;
  mutable std::map<uint64_t, uint64_t> measured_;  // input position -> the next sink's estimate
  mutable std::string spare_;                      // a consumed chunk's buffer, reused
  mutable bool busy_ = false;                      // the thread is appending a chunk
  mutable std::exception_ptr error_;
  static constexpr uint64_t kMeasureEvery = 4 << 20;
  // Producer side, for EstimatedSize(): the point the estimate extrapolates from, and the last
  // point the thread was asked to measure at.
  mutable uint64_t base_written_ = 0;
  mutable uint64_t base_estimate_ = 0;
  mutable uint64_t mark_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<ByteSink> MakeBackgroundSink(std::unique_ptr<ByteSink> inner, size_t chunk_bytes,
                                             size_t max_chunks) {
  return std::make_unique<BackgroundSink>(std::move(inner), chunk_bytes, max_chunks);
}

}  // namespace bx
