#include "sink/file/file_object_store.h"

#include <algorithm>
#include <system_error>

#include "base/error.h"
#include "io/local_file_sink.h"

namespace bx {

FileObjectStore::FileObjectStore(std::filesystem::path root) : root_(std::move(root)) {}

std::unique_ptr<ByteSink> FileObjectStore::Open(const std::string& key) {
  // Keys come from JoinKey, which refuses ".." and leading "/": they stay under root_.
  return std::make_unique<LocalFileSink>(root_ / key);
}

void FileObjectStore::RemoveStale(const std::string& prefix, const std::string& base_name,
                                  const std::vector<std::string>& keep) {
  const std::filesystem::path dir = prefix.empty() ? root_ : root_ / prefix;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    // A temporary file of this interval is what an attempt that died (kill -9) before renaming
    // left behind: runs of one interval never overlap, so no live writer owns it.
    const bool dead_temporary = name.size() > 1 && name[0] == '.' &&
                                name.find(".tmp-") != std::string::npos &&
                                IsIntervalObjectName(name.substr(1), base_name);
    if (!IsIntervalObjectName(name, base_name) && !dead_temporary) continue;
    const std::string key = prefix.empty() ? name : prefix + "/" + name;
    if (std::find(keep.begin(), keep.end(), key) != keep.end()) continue;
    std::filesystem::remove(entry.path(), ec);
    if (ec) {
      throw Error(ErrorKind::kRetryable, "FileWriteError",
                  "cannot remove stale file '" + entry.path().string() + "': " + ec.message());
    }
  }
  if (ec) {
    throw Error(ErrorKind::kRetryable, "FileWriteError",
                "cannot list '" + dir.string() + "': " + ec.message());
  }
}

void FileObjectStore::Check() {
  // Creating the directory and a probe file proves it exists (or can be made) and is writable.
  CreateDirectories(root_);
  const std::filesystem::path probe = root_ / ".batch-export-check";
  LocalFileSink sink(probe);
  sink.Append("batch-export check\n");
  sink.Finish();
  std::error_code ec;
  std::filesystem::remove(probe, ec);
  if (ec) {
    throw Error(ErrorKind::kNonRetryable, "FileWriteError",
                "cannot remove '" + probe.string() + "': " + ec.message());
  }
}

std::string FileObjectStore::Locate(const std::string& key) const { return (root_ / key).string(); }

}  // namespace bx
