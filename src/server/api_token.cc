#include "server/api_token.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "base/error.h"
#include "base/private_files.h"

namespace bx {
namespace {

Error TokenError(const std::string& message) {
  return Error(ErrorKind::kNonRetryable, "ApiTokenError", message);
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t got = 0;
  while (got < bytes) {
    const ssize_t n = ::getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw TokenError(std::string("getrandom failed: ") + std::strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::filesystem::path ApiTokenPath(const std::filesystem::path& data_dir) {
  return data_dir / "api-token";
}

ApiToken LoadOrCreateApiToken(const std::filesystem::path& data_dir) {
  CreatePrivateDirectory(data_dir, "--data-dir");
  const std::filesystem::path path = ApiTokenPath(data_dir);
  ApiToken token;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    token.value = RandomHex(32);
    token.created = true;
    const std::string line = token.value + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                    ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      std::filesystem::remove(path);
      throw TokenError("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    return token;
  }
  if (errno != EEXIST) {
    throw TokenError("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  if (ReadableByOthers(path)) {
    throw TokenError(path.string() + " is readable by others; chmod 600 it");
  }
  std::ifstream in(path);
  std::getline(in, token.value);
  token.value = Trimmed(token.value);
  if (token.value.empty()) throw TokenError(path.string() + " is empty");
  return token;
}

}  // namespace bx
