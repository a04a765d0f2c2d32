#pragma once

#include <filesystem>

#include "sink/object_store.h"

namespace bx {

// The File destination: keys laid out as paths under one directory, exactly as S3 keys. An
// interval's files are written into a hidden staging directory beside their place
// (".bx-staging-<interval>-<random>/") and renamed into it when the interval is published;
// nothing below the root is reached through a symbolic link (DirHandle).
class FileObjectStore : public ObjectStore {
 public:
  explicit FileObjectStore(std::filesystem::path root);

  std::unique_ptr<StagedObjects> Stage(const std::string& prefix,
                                       const std::string& base_name) override;
  std::string Locate(const std::string& key) const override;
  void Check() override;

 private:
  std::filesystem::path root_;
};

}  // namespace bx
