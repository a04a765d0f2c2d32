#pragma once
// Runs a BatchReader on its own thread, up to `depth` batches ahead of the consumer, so reading
// the source overlaps encoding and compressing. Batches are recycled, not reallocated; memory
// is bounded by depth + 1 batches.

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "source/source.h"

namespace bx {

class ReadAheadReader : public BatchReader {
 public:
  ReadAheadReader(std::unique_ptr<BatchReader> inner, const Schema& schema, size_t depth = 2);
  ~ReadAheadReader() override;

  // Swaps the next filled batch into `batch`; rethrows the reader thread's error.
  bool Next(RecordBatch& batch) override;

 private:
  void Run();

  std::unique_ptr<BatchReader> inner_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<RecordBatch>> free_;
  std::deque<std::unique_ptr<RecordBatch>> filled_;
  bool done_ = false;  // the reader thread has pushed its last batch
  bool stop_ = false;  // the consumer has gone away
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace bx
