#pragma once
// A fixed-size buffer a stream encoder writes into; full buffers go to the next sink, so the
// next sink sees few large appends and the hot path allocates nothing.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "io/byte_sink.h"

namespace bx {

class OutputBuffer {
 public:
  OutputBuffer(ByteSink& sink, size_t capacity);

  // The free region: write at most available() bytes at data(), then Commit() them.
  char* data() { return buf_.get() + used_; }
  size_t available() const { return capacity_ - used_; }
  void Commit(size_t n) {
    used_ += n;
    produced_ += n;
  }
  // Makes at least `n` bytes available (n <= capacity), handing buffered bytes to the sink.
  void Reserve(size_t n);
  // Hands everything buffered to the sink.
  void Drain();
  // Bytes committed so far, whether or not already handed to the sink.
  uint64_t produced() const { return produced_; }

 private:
  ByteSink& sink_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_;
  size_t used_ = 0;
  uint64_t produced_ = 0;
};

}  // namespace bx
