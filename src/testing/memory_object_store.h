#pragma once
// An ObjectStore in memory, for unit tests: objects appear only when their sink is finished.

#include <map>
#include <mutex>
#include <string>

#include "sink/object_store.h"

namespace bx::testing {

class MemoryObjectStore : public ObjectStore {
 public:
  std::unique_ptr<ByteSink> Open(const std::string& key) override;
  void RemoveStale(const std::string& prefix, const std::string& base_name,
                   const std::vector<std::string>& keep) override;
  std::string Locate(const std::string& key) const override { return "memory://" + key; }

  std::map<std::string, std::string> objects() const;
  void Put(const std::string& key, std::string bytes);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> objects_;
};

}  // namespace bx::testing
