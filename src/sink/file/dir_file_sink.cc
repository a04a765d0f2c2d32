#include "sink/file/dir_file_sink.h"

#include <unistd.h>

#include <cerrno>

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
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FileError("cannot write", dir_.path() / name_, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
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
