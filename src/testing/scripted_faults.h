#pragma once
// Fakes for service tests: an object store that fails its first opens, a source that fails
// every read, one that fails after some batches, and a source whose reads wait at a gate the
// test opens batch by batch.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "base/error.h"
#include "sink/object_store.h"
#include "source/source.h"

namespace bx::testing {

// Throws `error` from the first `failures` opens of an object, then delegates.
class FlakyObjectStore : public ObjectStore {
 public:
  FlakyObjectStore(std::shared_ptr<ObjectStore> inner,
                   std::shared_ptr<std::atomic<int>> failures_left, Error error)
      : inner_(std::move(inner)),
        failures_left_(std::move(failures_left)),
        error_(std::move(error)) {}
  std::unique_ptr<StagedObjects> Stage(const std::string& prefix,
                                       const std::string& base_name) override;
  std::string Locate(const std::string& key) const override { return inner_->Locate(key); }

 private:
  std::shared_ptr<ObjectStore> inner_;
  std::shared_ptr<std::atomic<int>> failures_left_;  // shared across the stores a factory hands out
  Error error_;
};

// Returns the first `batches` batches of `inner`'s readers, then throws `error`: a source (or a
// disk) that fails mid-interval, after some files were written.
class FailingAfterSource : public Source {
 public:
  FailingAfterSource(std::shared_ptr<Source> inner, int batches, Error error)
      : inner_(std::move(inner)), batches_(batches), error_(std::move(error)) {}
  std::unique_ptr<BatchReader> Read(const ExportQuery& query) override;

 private:
  std::shared_ptr<Source> inner_;
  int batches_;
  Error error_;
};

class FailingSource : public Source {
 public:
  explicit FailingSource(Error error) : error_(std::move(error)) {}
  std::unique_ptr<BatchReader> Read(const ExportQuery&) override { throw error_; }

 private:
  Error error_;
};

// Each batch a reader returns (and its final "no more rows") first takes a permit; without
// permits, readers wait. Close() lets everything through.
class GatedSource : public Source {
 public:
  explicit GatedSource(std::shared_ptr<Source> inner) : inner_(std::move(inner)) {}
  std::unique_ptr<BatchReader> Read(const ExportQuery& query) override;

  void Permit(int n);
  void Close();
  void Take();  // used by the readers
  int waiting() const;

 private:
  std::shared_ptr<Source> inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int permits_ = 0;
  int waiting_ = 0;
  bool open_ = false;
};

}  // namespace bx::testing
