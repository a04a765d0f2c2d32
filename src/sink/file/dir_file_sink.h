#pragma once

#include <atomic>
#include <string>

#include "io/byte_sink.h"
#include "sink/file/dir_handle.h"

namespace bx {

// Writes the file `name` in `dir`. With `via_temporary`, the bytes go to a hidden temporary name
// beside it that Finish() fsyncs and renames into place (replacing a file or a link there, never
// writing through one); without, to `name` itself, which must not exist (a staging directory).
// Finish() fsyncs either way; Abort() removes what was written.
class DirFileSink : public ByteSink {
 public:
  DirFileSink(DirHandle dir, std::string name, bool via_temporary);
  ~DirFileSink() override;

  void Append(std::string_view bytes) override;
  void Finish() override;
  void Abort() noexcept override;
  uint64_t BytesWritten() const override { return written_; }

 private:
  void FlushBuffer();

  DirHandle dir_;
  std::string name_;
  std::string write_name_;  // name_ or the temporary one
  int fd_ = -1;
  std::string buffer_;
  uint64_t written_ = 0;
};

// ".<name>.tmp-<pid>-<n>": what DirFileSink writes through; an interval's stale-file removal
// recognises it after a kill -9.
std::string TemporaryNameFor(const std::string& name);

}  // namespace bx
