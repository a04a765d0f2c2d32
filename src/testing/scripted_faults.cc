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

}  // namespace

std::unique_ptr<ByteSink> FlakyObjectStore::Open(const std::string& key) {
  if (failures_left_->fetch_sub(1) > 0) throw error_;
  return inner_->Open(key);
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
