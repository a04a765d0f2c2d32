#include "compress/output_buffer.h"

#include <string>
#include <string_view>

#include "base/error.h"

namespace bx {

OutputBuffer::OutputBuffer(ByteSink& sink, size_t capacity)
    : sink_(sink), buf_(new char[capacity]), capacity_(capacity) {}

void OutputBuffer::Reserve(size_t n) {
  if (n > capacity_) {
    throw Error(ErrorKind::kInternal, "InternalError",
                "output buffer of " + std::to_string(capacity_) + " bytes cannot reserve " +
                    std::to_string(n));
  }
  if (available() < n) Drain();
}

void OutputBuffer::Drain() {
  if (used_ == 0) return;
  sink_.Append(std::string_view(buf_.get(), used_));
  used_ = 0;
}

}  // namespace bx
