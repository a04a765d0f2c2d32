#include "io/local_file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace bx {
namespace {

Error IoError(const std::string& what, const std::filesystem::path& path, int err) {
  // A full disk will not fix itself by retrying at once, but a later attempt may succeed once
  // the operator acts: retryable like other destination faults. Permissions and a path that
  // cannot be a directory (a file in its way, too long, a symlink loop) are the config's fault.
  const bool config_fault = err == EACCES || err == EPERM || err == EROFS || err == ENOTDIR ||
                            err == EISDIR || err == ENAMETOOLONG || err == ELOOP;
  const ErrorKind kind = config_fault ? ErrorKind::kNonRetryable : ErrorKind::kRetryable;
  return Error(kind, "FileWriteError", what + " '" + path.string() + "': " + std::strerror(err));
}

std::filesystem::path TempPathFor(const std::filesystem::path& path) {
  static std::atomic<uint64_t> counter{0};
  return path.parent_path() / ("." + path.filename().string() + ".tmp-" +
                               std::to_string(::getpid()) + "-" + std::to_string(++counter));
}

}  // namespace

void CreateDirectories(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError("cannot create directory", dir, ec.value());
}

LocalFileSink::LocalFileSink(std::filesystem::path path)
    : path_(std::move(path)), temp_path_(TempPathFor(path_)) {
  CreateDirectories(path_.parent_path());
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError("cannot create", temp_path_, errno);
}

LocalFileSink::~LocalFileSink() { Abort(); }

void LocalFileSink::Append(std::string_view bytes) {
  written_ += bytes.size();
  if (!out_.Append(fd_, bytes)) ThrowWriteError();
}

void LocalFileSink::ThrowWriteError() const { throw IoError("cannot write", temp_path_, errno); }

void LocalFileSink::Finish() {
  if (fd_ < 0) throw Error(ErrorKind::kInternal, "InternalError", "file sink finished twice");
  if (!out_.Flush(fd_)) ThrowWriteError();
  if (::fsync(fd_) != 0) throw IoError("cannot fsync", temp_path_, errno);
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_path_.c_str());
    throw IoError("cannot rename into place", path_, err);
  }
  // Make the rename itself durable.
  const int dir = ::open(path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void LocalFileSink::Abort() noexcept {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(temp_path_.c_str());
}

}  // namespace bx
