#include "testing/memory_object_store.h"

#include <algorithm>

namespace bx::testing {
namespace {

class MemorySink : public ByteSink {
 public:
  MemorySink(std::map<std::string, std::string>& staged, std::mutex& mu, std::string key)
      : staged_(staged), mu_(mu), key_(std::move(key)) {}
  void Append(std::string_view bytes) override { data_.append(bytes); }
  void Finish() override {
    std::lock_guard lock(mu_);
    staged_[key_] = std::move(data_);
  }
  void Abort() noexcept override { data_.clear(); }
  uint64_t BytesWritten() const override { return data_.size(); }

 private:
  std::map<std::string, std::string>& staged_;
  std::mutex& mu_;
  std::string key_;
  std::string data_;
};

class MemoryStagedObjects : public StagedObjects {
 public:
  MemoryStagedObjects(MemoryObjectStore& store, std::string prefix, std::string base_name)
      : store_(store), prefix_(std::move(prefix)), base_(std::move(base_name)) {}

  std::unique_ptr<ByteSink> Open(const std::string& key) override {
    return std::make_unique<MemorySink>(staged_, mu_, key);
  }

  void Publish(const std::vector<std::string>& files, const std::string& manifest,
               bool with_manifest) override {
    std::lock_guard lock(mu_);
    store_.Remove(manifest);
    std::vector<std::string> keep = files;
    if (with_manifest) keep.push_back(manifest);
    for (const std::string& key : keep) store_.Put(key, staged_.at(key));
    staged_.clear();
    store_.RemoveIntervalObjectsExcept(prefix_, base_, keep);
  }

  void Discard() noexcept override {
    std::lock_guard lock(mu_);
    staged_.clear();
  }

 private:
  MemoryObjectStore& store_;
  std::string prefix_;
  std::string base_;
  std::mutex mu_;
  std::map<std::string, std::string> staged_;
};

}  // namespace

std::unique_ptr<StagedObjects> MemoryObjectStore::Stage(const std::string& prefix,
                                                        const std::string& base_name) {
  return std::make_unique<MemoryStagedObjects>(*this, prefix, base_name);
}

void MemoryObjectStore::RemoveIntervalObjectsExcept(const std::string& prefix,
                                                    const std::string& base_name,
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

void MemoryObjectStore::Remove(const std::string& key) {
  std::lock_guard lock(mu_);
  objects_.erase(key);
}

}  // namespace bx::testing
