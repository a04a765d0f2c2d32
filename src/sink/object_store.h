#pragma once
// A destination that stores whole files under keys: a local directory, an S3 bucket.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "io/byte_sink.h"

namespace bx {

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // A sink for `key`; the object becomes visible, replacing any older one, when it is finished.
  virtual std::unique_ptr<ByteSink> Open(const std::string& key) = 0;
  // Deletes what an earlier attempt at the same interval wrote and this attempt did not: objects
  // under `prefix` named `base_name` followed by '-', '.' or '_' whose keys are not in `keep`.
  virtual void RemoveStale(const std::string& prefix, const std::string& base_name,
                           const std::vector<std::string>& keep) = 0;
  // Where a user finds an object: "/data/out/key", "s3://bucket/key".
  virtual std::string Locate(const std::string& key) const = 0;
  // Tests the destination without exporting (it exists, this program may write and delete
  // there); throws bx::Error saying precisely what is wrong.
  virtual void Check();
  // Once `*cancel` is true, slow work (uploads, waits between retries) stops with
  // CancelledError(); cleanup of what a stopped upload left still runs. Stores whose calls are
  // all quick ignore it.
  virtual void SetCancel(const std::atomic<bool>* /*cancel*/) {}
};

// True when `name` is `base_name` followed by '-', '.' or '_' (an interval's data or manifest).
bool IsIntervalObjectName(const std::string& name, const std::string& base_name);

}  // namespace bx
