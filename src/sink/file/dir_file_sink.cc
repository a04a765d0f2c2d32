#include "sink/file/dir_file_sink.h"

#include <unistd.h>

#include <cerrno>

namespace bx {

DirFileSink::DirFileSink(DirHandle dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)) {
  fd_ = dir_.CreateFile(name_);
}

DirFileSink::~DirFileSink() { Abort(); }

void DirFileSink::Append(std::string_view bytes) {
  written_ += bytes.size();
  if (!out_.Append(fd_, bytes)) ThrowWriteError();
}

void DirFileSink::ThrowWriteError() const {
  throw FileError("cannot write", dir_.path() / name_, errno);
}

void DirFileSink::Finish() {
  if (fd_ < 0) throw Error(ErrorKind::kInternal, "InternalError", "file sink finished twice");
  if (!out_.Flush(fd_)) ThrowWriteError();
  if (::fsync(fd_) != 0) throw FileError("cannot fsync", dir_.path() / name_, errno);
  ::close(fd_);
  fd_ = -1;
}

void DirFileSink::Abort() noexcept {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlinkat(dir_.fd(), name_.c_str(), 0);
}

}  // namespace bx
