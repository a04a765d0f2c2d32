#pragma once
// A directory held by descriptor. Everything under the File destination's `path` is reached from
// one: subdirectories are created with mkdirat and entered with openat(O_NOFOLLOW |
// O_DIRECTORY), files created with O_EXCL | O_NOFOLLOW, so a symbolic link met under `path` is an
// error and never followed; no write, rename, delete or listing lands outside `path`.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace bx {

class DirHandle {
 public:
  // Opens `path` (creating it and its parents when `create`); links in `path` itself are the
  // operator's choice and followed. std::nullopt when it does not exist and !create.
  static std::optional<DirHandle> OpenRoot(const std::filesystem::path& path, bool create);

  DirHandle(DirHandle&& other) noexcept;
  DirHandle& operator=(DirHandle&& other) noexcept;
  DirHandle(const DirHandle&) = delete;
  DirHandle& operator=(const DirHandle&) = delete;
  ~DirHandle();

  // Enters the subdirectory `relative` ("a/b": segments without ".", ".." or empty ones),
  // creating missing ones when `create`. A symbolic link or a file where a directory belongs is a
  // NonRetryable FileWriteError naming `key` (what was being written) and the link. std::nullopt
  // when a segment is missing and !create.
  std::optional<DirHandle> Enter(const std::string& relative, bool create,
                                 const std::string& key) const;

  // Creates `name` for writing (O_EXCL | O_NOFOLLOW: never an existing file or a link); returns
  // the descriptor, which the caller closes.
  int CreateFile(const std::string& name) const;
  // A second handle on this directory.
  DirHandle Dup() const;
  // Renames `from` in this directory to `to` in `target` (replacing a file or a link there; a
  // link is replaced, never written through).
  void Rename(const std::string& from, const DirHandle& target, const std::string& to) const;
  // Removes the file `name`; false when there was none.
  bool RemoveFile(const std::string& name) const;
  // Removes the subdirectory `name` and the files in it (not links' targets; no deeper levels).
  void RemoveFlatDirectory(const std::string& name) const;
  // Names in this directory, without "." and "..".
  std::vector<std::string> List() const;
  // Makes renames and creations in this directory durable.
  void Sync() const;

  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  DirHandle(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::filesystem::path path_;  // for messages only; never used to reach the directory
};

// A FileWriteError for errno `err` about `path`: NonRetryable for permissions and read-only file
// systems (an operator must act), Retryable otherwise (a full disk may clear).
Error FileError(const std::string& what, const std::filesystem::path& path, int err);

// Splits a key into its directory ("a/b", "" for none) and file name; InternalError for a key
// with ".", ".." or empty segments (JoinKey never makes one).
std::pair<std::string, std::string> SplitKey(const std::string& key);

}  // namespace bx
