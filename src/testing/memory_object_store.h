#pragma once
// An ObjectStore in memory, for unit tests: an interval's objects appear only when it is
// published, in the order ObjectStore promises.

#include <map>
#include <mutex>
#include <string>

#include "sink/object_store.h"

namespace bx::testing {

class MemoryObjectStore : public ObjectStore {
 public:
  std::unique_ptr<StagedObjects> Stage(const std::string& prefix,
                                       const std::string& base_name) override;
  std::string Locate(const std::string& key) const override { return "memory://" + key; }

  std::map<std::string, std::string> objects() const;  // the visible ones
  void Put(const std::string& key, std::string bytes);
  void Remove(const std::string& key);
  void RemoveIntervalObjectsExcept(const std::string& prefix, const std::string& base_name,
                                   const std::vector<std::string>& keep);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> objects_;
};

}  // namespace bx::testing
