#pragma once

#include <filesystem>

#include "sink/object_store.h"

namespace bx {

// The File destination: keys laid out as paths under one directory, exactly as S3 keys.
class FileObjectStore : public ObjectStore {
 public:
  explicit FileObjectStore(std::filesystem::path root);

  std::unique_ptr<ByteSink> Open(const std::string& key) override;
  void RemoveStale(const std::string& prefix, const std::string& base_name,
                   const std::vector<std::string>& keep) override;
  std::string Locate(const std::string& key) const override;
  void Check() override;

 private:
  std::filesystem::path root_;
};

}  // namespace bx
