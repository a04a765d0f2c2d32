#include "base/fd_io.h"

#include <unistd.h>

#include <cerrno>

namespace bx {

bool WriteFully(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

FdWriteBuffer::FdWriteBuffer(size_t capacity) : capacity_(capacity) { buffer_.reserve(capacity_); }

bool FdWriteBuffer::Append(int fd, std::string_view bytes) {
  if (buffer_.size() + bytes.size() > capacity_ && !Flush(fd)) return false;
  if (bytes.size() >= capacity_) return WriteFully(fd, bytes);
  buffer_.append(bytes);
  return true;
}

bool FdWriteBuffer::Flush(int fd) {
  if (!WriteFully(fd, buffer_)) return false;
  buffer_.clear();
  return true;
}

}  // namespace bx
