#include "sink/file/dir_file_sink.h"

#include <unistd.h>

#include <cerrno>

#include "base/fd_io.h"

namespace bx {
namespace {

constexpr size_t kBufferSize = 1 << 20;

}  // namespace

DirFileSink::DirFileSink(DirHandle dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)) {
  fd_ = dir_.CreateFile(name_);
  buffer_.reserve(kBufferSize);
}

DirFileSink::~DirFileSink() { Abort(); }

void DirFileSink::Append(std::string_view bytes) {
  written_ += bytes.size();
  if (buffer_.size() + bytes.size() > kBufferSize) FlushBuffer();
  if (bytes.size() >= kBufferSize) {
    // Written from where it is: a Parquet column chunk of many MiB would otherwise grow the
    // buffer to its size for good.
    WriteAll(bytes);
  } else {
    buffer_.append(bytes);
  }
}

void DirFileSink::FlushBuffer() {
  WriteAll(buffer_);
  buffer_.clear();
}

void DirFileSink::WriteAll(std::string_view bytes) {
  if (!WriteFully(fd_, bytes)) throw FileError("cannot write", dir_.path() / name_, errno);
}

void DirFileSink::Finish() {
  if (fd_ < 0) throw Error(ErrorKind::kInternal, "InternalError", "file sink finished twice");
  FlushBuffer();
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
