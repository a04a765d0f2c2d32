#include "pipeline/read_ahead.h"

namespace bx {

ReadAheadReader::ReadAheadReader(std::unique_ptr<BatchReader> inner, const Schema& schema,
                                 size_t depth)
    : inner_(std::move(inner)) {
  for (size_t i = 0; i < depth; ++i) free_.push_back(std::make_unique<RecordBatch>(schema));
  thread_ = std::thread([this] { Run(); });
}

ReadAheadReader::~ReadAheadReader() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ReadAheadReader::Run() {
  try {
    while (true) {
      std::unique_ptr<RecordBatch> batch;
      {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return stop_ || !free_.empty(); });
        if (stop_) return;
        batch = std::move(free_.back());
        free_.pop_back();
      }
      const bool more = inner_->Next(*batch);
      std::lock_guard lock(mu_);
      if (!more) break;
      filled_.push_back(std::move(batch));
      changed_.notify_all();
    }
  } catch (...) {
    // Handed to the consumer, which rethrows it from Next() on its own thread.
    std::lock_guard lock(mu_);
    error_ = std::current_exception();
  }
  std::lock_guard lock(mu_);
  done_ = true;
  changed_.notify_all();
}

bool ReadAheadReader::Next(RecordBatch& batch) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return !filled_.empty() || done_; });
  if (filled_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  std::unique_ptr<RecordBatch> next = std::move(filled_.front());
  filled_.pop_front();
  std::swap(batch, *next);  // the consumer's previous batch goes back to the pool
  next->Clear();
  free_.push_back(std::move(next));
  changed_.notify_all();
  return true;
}

}  // namespace bx
