#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "base/fd_io.h"
#include "io/byte_sink.h"

namespace bx {

// Writes to a temporary name beside `path`; Finish() fsyncs and renames it into place (replacing
// any older file), so a reader sees either the old file or the whole new one.
class LocalFileSink : public ByteSink {
 public:
  explicit LocalFileSink(std::filesystem::path path);
  ~LocalFileSink() override;

  void Append(std::string_view bytes) override;
  void Finish() override;
  void Abort() noexcept override;
  uint64_t BytesWritten() const override { return written_; }

 private:
  [[noreturn]] void ThrowWriteError() const;

  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
  FdWriteBuffer out_;
  uint64_t written_ = 0;
};

// Creates `dir` and its parents; throws bx::Error naming the directory on failure.
void CreateDirectories(const std::filesystem::path& dir);

}  // namespace bx
