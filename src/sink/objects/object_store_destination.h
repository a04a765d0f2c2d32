#pragma once
// The file-writing destinations (File, S3, S3Compatible) as one Destination: an interval's rows
// are encoded, compressed and split into files (FileRotator) in an ObjectStore; the store is
// what differs between them.

#include <memory>

#include "sink/destination.h"
#include "sink/object_store.h"
#include "sink/objects/file_output.h"

namespace bx {

class ObjectStoreDestination : public Destination {
 public:
  ObjectStoreDestination(std::shared_ptr<ObjectStore> store, FileOutput output);

  void Check() override { store_->Check(); }
  std::unique_ptr<IntervalWriter> Open(const IntervalTarget& target) override;
  std::string Location() const override { return store_->Locate(""); }
  void SetCancel(const std::atomic<bool>* cancel) override { store_->SetCancel(cancel); }

 private:
  std::shared_ptr<ObjectStore> store_;
  FileOutput output_;
};

}  // namespace bx
