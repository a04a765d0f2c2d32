#include "sink/file/dir_handle.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bx {
namespace {

bool ValidSegment(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos;
}

std::vector<std::string> Segments(const std::string& relative) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < relative.size()) {
    size_t slash = relative.find('/', pos);
    if (slash == std::string::npos) slash = relative.size();
    out.push_back(relative.substr(pos, slash - pos));
    pos = slash + 1;
  }
  for (const std::string& s : out) {
    if (!ValidSegment(s)) {
      throw Error(ErrorKind::kInternal, "InternalError", "not a relative path: '" + relative + "'");
    }
  }
  return out;
}

std::string LinkTarget(int dir_fd, const std::string& name) {
  char buf[4096];
  const ssize_t n = ::readlinkat(dir_fd, name.c_str(), buf, sizeof buf);
  return n < 0 ? std::string("?") : std::string(buf, static_cast<size_t>(n));
}

}  // namespace

Error FileError(const std::string& what, const std::filesystem::path& path, int err) {
  const ErrorKind kind = (err == EACCES || err == EPERM || err == EROFS) ? ErrorKind::kNonRetryable
                                                                         : ErrorKind::kRetryable;
  return Error(kind, "FileWriteError", what + " '" + path.string() + "': " + std::strerror(err));
}

std::pair<std::string, std::string> SplitKey(const std::string& key) {
  const size_t slash = key.rfind('/');
  std::string dir = slash == std::string::npos ? "" : key.substr(0, slash);
  std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  if (!ValidSegment(name)) {
    throw Error(ErrorKind::kInternal, "InternalError", "not an object key: '" + key + "'");
  }
  Segments(dir);  // validates
  return {std::move(dir), std::move(name)};
}

std::optional<DirHandle> DirHandle::OpenRoot(const std::filesystem::path& path, bool create) {
  if (create) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) throw FileError("cannot create directory", path, ec.value());
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && !create) return std::nullopt;
    throw FileError("cannot open directory", path, errno);
  }
  return DirHandle(fd, path);
}

DirHandle::DirHandle(DirHandle&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

DirHandle& DirHandle::operator=(DirHandle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

DirHandle::~DirHandle() {
  if (fd_ >= 0) ::close(fd_);
}

DirHandle DirHandle::Dup() const {
  const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw FileError("cannot open directory", path_, errno);
  return DirHandle(fd, path_);
}

std::optional<DirHandle> DirHandle::Enter(const std::string& relative, bool create,
                                          const std::string& key) const {
  DirHandle dir = Dup();
  for (const std::string& segment : Segments(relative)) {
    const std::filesystem::path at = dir.path_ / segment;
    if (create && ::mkdirat(dir.fd_, segment.c_str(), 0755) != 0 && errno != EEXIST) {
      throw FileError("cannot create directory", at, errno);
    }
    const int next =
        ::openat(dir.fd_, segment.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) {
      const int err = errno;
      if (err == ENOENT && !create) return std::nullopt;
      struct stat st;
      if ((err == ELOOP || err == ENOTDIR) &&
          ::fstatat(dir.fd_, segment.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode)) {
          throw Error(ErrorKind::kNonRetryable, "FileWriteError",
                      "'" + at.string() + "' is a symbolic link (to '" +
                          LinkTarget(dir.fd_, segment) + "') where key '" + key +
                          "' needs a directory: the File destination follows no links under its "
                          "path; make it a directory or change the prefix");
        }
        throw Error(ErrorKind::kNonRetryable, "FileWriteError",
                    "'" + at.string() + "' is not a directory, and key '" + key +
                        "' needs one there: move it away or change the prefix");
      }
      throw FileError("cannot open directory", at, err);
    }
    dir = DirHandle(next, at);
  }
  return dir;
}

int DirHandle::CreateFile(const std::string& name) const {
  const int fd =
      ::openat(fd_, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw FileError("cannot create", path_ / name, errno);
  return fd;
}

void DirHandle::Rename(const std::string& from, const DirHandle& target,
                       const std::string& to) const {
  if (::renameat(fd_, from.c_str(), target.fd_, to.c_str()) != 0) {
    const int err = errno;
    if (err == EISDIR) {
      throw Error(ErrorKind::kNonRetryable, "FileWriteError",
                  "'" + (target.path_ / to).string() +
                      "' is a directory where a file belongs: move it away");
    }
    throw FileError("cannot rename into place", target.path_ / to, err);
  }
}

bool DirHandle::RemoveFile(const std::string& name) const {
  if (::unlinkat(fd_, name.c_str(), 0) == 0) return true;
  if (errno == ENOENT) return false;
  throw FileError("cannot remove", path_ / name, errno);
}

void DirHandle::RemoveFlatDirectory(const std::string& name) const {
  const int fd = ::openat(fd_, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return;
    throw FileError("cannot open directory", path_ / name, errno);
  }
  DirHandle dir(fd, path_ / name);
  for (const std::string& entry : dir.List()) dir.RemoveFile(entry);
  if (::unlinkat(fd_, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    throw FileError("cannot remove directory", path_ / name, errno);
  }
}

std::vector<std::string> DirHandle::List() const {
  const int fd = ::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw FileError("cannot list", path_, errno);
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    const int err = errno;
    ::close(fd);
    throw FileError("cannot list", path_, err);
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
    errno = 0;
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) throw FileError("cannot list", path_, err);
  return names;
}

void DirHandle::Sync() const {
  if (::fsync(fd_) != 0) throw FileError("cannot fsync", path_, errno);
}

}  // namespace bx
