#pragma once

#include <string>

#include "base/fd_io.h"
#include "io/byte_sink.h"
#include "sink/file/dir_handle.h"

namespace bx {

// Writes the new file `name` in `dir` (a staging directory no reader looks at; the file must
// not exist, and a link there is never followed). Finish() fsyncs it; Abort() removes it.
class DirFileSink : public ByteSink {
 public:
  DirFileSink(DirHandle dir, std::string name);
  ~DirFileSink() override;

  void Append(std::string_view bytes) override;
  void Finish() override;
  void Abort() noexcept override;
  uint64_t BytesWritten() const override { return written_; }

 private:
  [[noreturn]] void ThrowWriteError() const;

  DirHandle dir_;
  std::string name_;
  int fd_ = -1;
  FdWriteBuffer out_;
  uint64_t written_ = 0;
};

}  // namespace bx
