#include "base/fd_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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

// What the file behind `fd` holds.
std::string Contents(int fd) {
  std::string out;
  char buf[8192];
  ssize_t n;
  for (off_t at = 0; (n = pread(fd, buf, sizeof buf, at)) > 0; at += n) {
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

TEST(FdWriteBuffer, SmallAppendsWaitForTheFlushAndALargeOneGoesOutAfterThem) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  const int fd = fileno(file);
  FdWriteBuffer out(/*capacity=*/16);
  ASSERT_TRUE(out.Append(fd, "abc"));
  ASSERT_TRUE(out.Append(fd, "def"));
  EXPECT_EQ(Contents(fd), "");
  const std::string large(40, 'L');
  ASSERT_TRUE(out.Append(fd, large));
  EXPECT_EQ(Contents(fd), "abcdef" + large);
  ASSERT_TRUE(out.Append(fd, "0123456789"));
  ASSERT_TRUE(out.Append(fd, "0123456789"));  // past the capacity: the first ten go out
  EXPECT_EQ(Contents(fd), "abcdef" + large + "0123456789");
  ASSERT_TRUE(out.Flush(fd));
  EXPECT_EQ(Contents(fd), "abcdef" + large + "01234567890123456789");
  std::fclose(file);
}

TEST(FdWriteBuffer, AFailedWriteIsReportedWithErrno) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[1]);
  FdWriteBuffer out(/*capacity=*/16);
  ASSERT_TRUE(out.Append(fds[1], "kept"));  // buffered: nothing written yet
  errno = 0;
  EXPECT_FALSE(out.Flush(fds[1]));
  EXPECT_EQ(errno, EBADF);
  errno = 0;
  EXPECT_FALSE(out.Append(fds[1], std::string(32, 'x')));
  EXPECT_EQ(errno, EBADF);
  close(fds[0]);
}

}  // namespace
}  // namespace bx
