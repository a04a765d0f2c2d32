#include "sink/file/file_object_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "base/error.h"
#include "base/log.h"
#include "base/random_id.h"
#include "sink/file/dir_file_sink.h"
#include "sink/file/dir_handle.h"

namespace bx {
namespace {

// ".bx-staging-<base_name>-<random>": a directory beside the interval's files where a run writes
// them until it publishes them by rename (same file system, so each rename is atomic).
std::string StagingPrefix(const std::string& base_name) { return ".bx-staging-" + base_name + "-"; }

class FileStagedObjects : public StagedObjects {
 public:
  FileStagedObjects(std::filesystem::path root, std::string prefix, std::string base_name)
      : root_(std::move(root)), prefix_(std::move(prefix)), base_(std::move(base_name)) {}
  ~FileStagedObjects() override { Discard(); }

  std::unique_ptr<ByteSink> Open(const std::string& key) override {
    const std::string name = NameIn(key);
    if (!staging_) {
      dir_ = DirHandle::OpenRoot(root_, true)->Enter(prefix_, true, key);
      const std::string staging_name = StagingPrefix(base_) + RandomHex();
      if (::mkdirat(dir_->fd(), staging_name.c_str(), 0700) != 0) {
        throw FileError("cannot create directory", dir_->path() / staging_name, errno);
      }
      staging_name_ = staging_name;
      staging_ = dir_->Enter(staging_name, false, key);
      if (!staging_) {
        throw FileError("cannot open directory", dir_->path() / staging_name, ENOENT);
      }
    }
    return std::make_unique<DirFileSink>(staging_->Dup(), name);
  }

  void Publish(const std::vector<std::string>& files, const std::string& manifest,
               bool with_manifest) override {
    if (!dir_) {
      // Nothing written: only what earlier attempts left is removed, if the directory exists.
      const auto root = DirHandle::OpenRoot(root_, false);
      if (root) dir_ = root->Enter(prefix_, false, manifest);
      if (!dir_) return;
    }
    const std::string manifest_name = NameIn(manifest);
    std::vector<std::string> keep;
    for (const std::string& key : files) keep.push_back(NameIn(key));
    if (with_manifest) keep.push_back(manifest_name);
    if (!keep.empty() && !staging_) {
      throw Error(ErrorKind::kInternal, "InternalError", "publishing files that were not written");
    }
    dir_->RemoveFile(manifest_name);
    for (const std::string& name : keep) staging_->Rename(name, *dir_, name);
    dir_->Sync();
    if (staging_) {
      staging_.reset();
      dir_->RemoveFlatDirectory(staging_name_);
    }
    // What earlier attempts left: their files this one did not write, their staging
    // directories, and the temporary files ("." + name + ".tmp-<pid>-<n>") of versions that
    // wrote in place.
    const std::string staging_prefix = StagingPrefix(base_);
    for (const std::string& name : dir_->List()) {
      if (name.rfind(staging_prefix, 0) == 0) {
        dir_->RemoveFlatDirectory(name);
        continue;
      }
      const bool dead_temporary = name.size() > 1 && name[0] == '.' &&
                                  name.find(".tmp-") != std::string::npos &&
                                  IsIntervalObjectName(name.substr(1), base_);
      if (!IsIntervalObjectName(name, base_) && !dead_temporary) continue;
      if (std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
      dir_->RemoveFile(name);
    }
  }

  void Discard() noexcept override {
    if (!staging_) return;
    staging_.reset();
    try {
      dir_->RemoveFlatDirectory(staging_name_);
    } catch (const Error& e) {
      spdlog::warn(
          "could not remove the staging directory of an aborted run ({}); the next run "
          "of the interval removes it",
          e.Describe());
    }
  }

 private:
  // The file name of `key`, which must be in the interval's directory.
  std::string NameIn(const std::string& key) const {
    const auto [dir, name] = SplitKey(key);
    if (dir != prefix_) {
      throw Error(ErrorKind::kInternal, "InternalError",
                  "key '" + key + "' is not in the interval's directory '" + prefix_ + "'");
    }
    return name;
  }

  std::filesystem::path root_;
  std::string prefix_;
  std::string base_;
  std::optional<DirHandle> dir_;      // the interval's directory, once entered
  std::optional<DirHandle> staging_;  // this attempt's staging directory in it
  std::string staging_name_;
};

}  // namespace

FileObjectStore::FileObjectStore(std::filesystem::path root) : root_(std::move(root)) {}

std::unique_ptr<StagedObjects> FileObjectStore::Stage(const std::string& prefix,
                                                      const std::string& base_name) {
  return std::make_unique<FileStagedObjects>(root_, prefix, base_name);
}

void FileObjectStore::Check() {
  // Creating the directory and a probe file proves it exists (or can be made) and is writable.
  DirHandle root = *DirHandle::OpenRoot(root_, true);
  const std::string probe = ".batch-export-check-" + RandomHex();  // checks may run at once
  DirFileSink sink(root.Dup(), probe);
  sink.Append("batch-export check\n");
  sink.Finish();
  root.RemoveFile(probe);
}

std::string FileObjectStore::Locate(const std::string& key) const { return (root_ / key).string(); }

}  // namespace bx
