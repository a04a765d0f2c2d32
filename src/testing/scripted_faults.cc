#include "testing/scripted_faults.h"

namespace bx::testing {
namespace {

class GatedReader : public BatchReader {
 public:
  GatedReader(GatedSource& gate, std::unique_ptr<BatchReader> inner)
      : gate_(gate), inner_(std::move(inner)) {}
  bool Next(RecordBatch& batch) override {
    gate_.Take();
    return inner_->Next(batch);
  }

 private:
  GatedSource& gate_;
  std::unique_ptr<BatchReader> inner_;
};

class FlakyStagedObjects : public StagedObjects {
 public:
  FlakyStagedObjects(std::unique_ptr<StagedObjects> inner, std::atomic<int>& failures_left,
                     const Error& error)
      : inner_(std::move(inner)), failures_left_(failures_left), error_(error) {}
  std::unique_ptr<ByteSink> Open(const std::string& key) override {
    if (failures_left_.fetch_sub(1) > 0) throw error_;
    return inner_->Open(key);
  }
  void Publish(const std::vector<std::string>& files, const std::string& manifest,
               bool with_manifest) override {
    inner_->Publish(files, manifest, with_manifest);
  }
  void Discard() noexcept override { inner_->Discard(); }

 private:
  std::unique_ptr<StagedObjects> inner_;
  std::atomic<int>& failures_left_;
  const Error& error_;
};

class FailingAfterReader : public BatchReader {
 public:
  FailingAfterReader(std::unique_ptr<BatchReader> inner, int batches, const Error& error)
      : inner_(std::move(inner)), batches_left_(batches), error_(error) {}
  bool Next(RecordBatch& batch) override {
    if (batches_left_-- <= 0) throw error_;
    return inner_->Next(batch);
  }

 private:
  std::unique_ptr<BatchReader> inner_;
  int batches_left_;
  const Error& error_;
};

}  // namespace

std::unique_ptr<StagedObjects> FlakyObjectStore::Stage(const std::string& prefix,
                                                       const std::string& base_name) {
  return std::make_unique<FlakyStagedObjects>(inner_->Stage(prefix, base_name), *failures_left_,
                                              error_);
}

std::unique_ptr<BatchReader> FailingAfterSource::Read(const ExportQuery& query) {
  return std::make_unique<FailingAfterReader>(inner_->Read(query), batches_, error_);
}

std::unique_ptr<BatchReader> GatedSource::Read(const ExportQuery& query) {
  return std::make_unique<GatedReader>(*this, inner_->Read(query));
}

void GatedSource::Permit(int n) {
  {
    std::lock_guard lock(mu_);
    permits_ += n;
  }
  cv_.notify_all();
}

void GatedSource::Close() {
  {
    std::lock_guard lock(mu_);
    open_ = true;
  }
  cv_.notify_all();
}

void GatedSource::Take() {
  std::unique_lock lock(mu_);
  ++waiting_;
  cv_.wait(lock, [this] { return open_ || permits_ > 0; });
  --waiting_;
  if (!open_) --permits_;
}

int GatedSource::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

}  // namespace bx::testing
