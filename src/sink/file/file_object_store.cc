#include "sink/file/file_object_store.h"

#include <algorithm>

#include "base/error.h"
#include "sink/file/dir_file_sink.h"
#include "sink/file/dir_handle.h"

namespace bx {

FileObjectStore::FileObjectStore(std::filesystem::path root) : root_(std::move(root)) {}

std::unique_ptr<ByteSink> FileObjectStore::Open(const std::string& key) {
  const auto [dir, name] = SplitKey(key);
  DirHandle at = *DirHandle::OpenRoot(root_, true)->Enter(dir, true, key);
  return std::make_unique<DirFileSink>(std::move(at), name, true);
}

void FileObjectStore::RemoveStale(const std::string& prefix, const std::string& base_name,
                                  const std::vector<std::string>& keep) {
  const auto root = DirHandle::OpenRoot(root_, false);
  if (!root) return;
  const auto dir =
      root->Enter(prefix, false, prefix.empty() ? base_name : prefix + "/" + base_name);
  if (!dir) return;
  for (const std::string& name : dir->List()) {
    // A temporary file of this interval is what an attempt that died (kill -9) before renaming
    // left behind: runs of one interval never overlap, so no live writer owns it.
    const bool dead_temporary = name.size() > 1 && name[0] == '.' &&
                                name.find(".tmp-") != std::string::npos &&
                                IsIntervalObjectName(name.substr(1), base_name);
    if (!IsIntervalObjectName(name, base_name) && !dead_temporary) continue;
    const std::string key = prefix.empty() ? name : prefix + "/" + name;
    if (std::find(keep.begin(), keep.end(), key) != keep.end()) continue;
    dir->RemoveFile(name);
  }
}

void FileObjectStore::Check() {
  // Creating the directory and a probe file proves it exists (or can be made) and is writable.
  DirHandle root = *DirHandle::OpenRoot(root_, true);
  const std::string probe = ".batch-export-check";
  root.RemoveFile(probe);  // a probe a killed check left
  DirFileSink sink(root.Dup(), probe, false);
  sink.Append("batch-export check\n");
  sink.Finish();
  root.RemoveFile(probe);
}

std::string FileObjectStore::Locate(const std::string& key) const { return (root_ / key).string(); }

}  // namespace bx
