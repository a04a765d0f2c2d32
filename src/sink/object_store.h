#pragma once
// A destination that stores whole files under keys: a local directory, an S3 bucket.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "io/byte_sink.h"

namespace bx {

// One interval's objects, written out of sight and published together at the end, so that a
// reader never sees part of an interval whose run has not finished.
class StagedObjects {
 public:
  // Without Publish, what was written is discarded.
  virtual ~StagedObjects() = default;
  // A sink for `key` (in the interval's directory); the finished object stays out of sight.
  virtual std::unique_ptr<ByteSink> Open(const std::string& key) = 0;
  // Makes the finished objects visible, replacing what an earlier attempt at the interval left:
  // first removes the interval's `manifest` if there is one (no manifest is ever visible beside
  // files it does not describe), then publishes `files` in order, then `manifest` when this
  // attempt wrote one, and last removes the interval's other objects (an earlier attempt's
  // files that this one did not write, anything a killed attempt left out of sight).
  virtual void Publish(const std::vector<std::string>& files, const std::string& manifest,
                       bool with_manifest) = 0;
  // Removes what was written out of sight. Never throws.
  virtual void Discard() noexcept = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Begins one interval's objects: keys `prefix` + "/" + `base_name` + ('-', '.' or '_') + ....
  // Runs of one interval never overlap, so what an earlier attempt left is no live writer's.
  virtual std::unique_ptr<StagedObjects> Stage(const std::string& prefix,
                                               const std::string& base_name) = 0;
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
