#include "base/fd_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

namespace bx {
namespace {

TEST(WriteFully, WritesEveryByteThroughShortWrites) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  // A pipe takes at most its capacity per write: a larger buffer needs several.
  const std::string data(256 << 10, 'x');
  std::string got;
  std::thread reader;
  {
    reader = std::thread([&] {
      char buf[8192];
      ssize_t n;
      while ((n = read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
    });
    EXPECT_TRUE(WriteFully(fds[1], data));
    close(fds[1]);
  }
  reader.join();
  close(fds[0]);
  EXPECT_EQ(got, data);
}

TEST(WriteFully, AFailureIsReportedWithErrno) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[1]);
  errno = 0;
  EXPECT_FALSE(WriteFully(fds[1], "bytes"));
  EXPECT_EQ(errno, EBADF);
  close(fds[0]);
}

}  // namespace
}  // namespace bx
