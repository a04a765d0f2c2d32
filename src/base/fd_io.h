#pragma once
// Writing to a file descriptor until every byte is taken.

#include <cstddef>
#include <string>
#include <string_view>

namespace bx {

// Writes all of `bytes` to `fd`, going on after short writes and EINTR. False on failure, with
// errno saying why (EIO when the system wrote nothing and gave no error).
bool WriteFully(int fd, std::string_view bytes);

// Gathers small appends into one write of up to `capacity` bytes. An append of `capacity` or
// more is written from where it is, after what was buffered: a Parquet column chunk of many MiB
// would otherwise grow the buffer to its size for good. The descriptor is the caller's.
class FdWriteBuffer {
 public:
  explicit FdWriteBuffer(size_t capacity = size_t{1} << 20);
  // False when a write failed, with errno saying why.
  bool Append(int fd, std::string_view bytes);
  bool Flush(int fd);

 private:
  size_t capacity_;
  std::string buffer_;
};

}  // namespace bx
