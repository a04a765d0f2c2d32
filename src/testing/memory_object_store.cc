#include "testing/memory_object_store.h"

#include <algorithm>

namespace bx::testing {
namespace {

class MemorySink : public ByteSink {
 public:
  MemorySink(MemoryObjectStore& store, std::string key) : store_(store), key_(std::move(key)) {}
  void Append(std::string_view bytes) override { data_.append(bytes); }
  void Finish() override { store_.Put(key_, std::move(data_)); }
  void Abort() noexcept override { data_.clear(); }
  uint64_t BytesWritten() const override { return data_.size(); }

 private:
  MemoryObjectStore& store_;
  std::string key_;
  std::string data_;
};

}  // namespace

std::unique_ptr<ByteSink> MemoryObjectStore::Open(const std::string& key) {
  return std::make_unique<MemorySink>(*this, key);
}

void MemoryObjectStore::RemoveStale(const std::string& prefix, const std::string& base_name,
                                    const std::vector<std::string>& keep) {
  std::lock_guard lock(mu_);
  const std::string dir = prefix.empty() ? "" : prefix + "/";
  for (auto it = objects_.begin(); it != objects_.end();) {
    const std::string& key = it->first;
    const bool in_dir =
        key.compare(0, dir.size(), dir) == 0 && key.find('/', dir.size()) == std::string::npos;
    if (in_dir && IsIntervalObjectName(key.substr(dir.size()), base_name) &&
        std::find(keep.begin(), keep.end(), key) == keep.end()) {
      it = objects_.erase(it);
    } else {
      ++it;
    }
  }
}

std::map<std::string, std::string> MemoryObjectStore::objects() const {
  std::lock_guard lock(mu_);
  return objects_;
}

void MemoryObjectStore::Put(const std::string& key, std::string bytes) {
  std::lock_guard lock(mu_);
  objects_[key] = std::move(bytes);
}

}  // namespace bx::testing
