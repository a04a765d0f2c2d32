#pragma once
// Writing to a file descriptor until every byte is taken.

#include <string_view>

namespace bx {

// Writes all of `bytes` to `fd`, going on after short writes and EINTR. False on failure, with
// errno saying why (EIO when the system wrote nothing and gave no error).
bool WriteFully(int fd, std::string_view bytes);

}  // namespace bx
