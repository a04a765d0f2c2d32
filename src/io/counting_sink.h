#pragma once

#include <memory>

#include "io/byte_sink.h"

namespace bx {

// Forwards to `inner` and counts the bytes into `*count`, which outlives the sink: the final
// size of an object is known exactly even after the sink chain above it is gone.
class CountingSink : public ByteSink {
 public:
  CountingSink(std::unique_ptr<ByteSink> inner, uint64_t* count)
      : inner_(std::move(inner)), count_(count) {}

  void Append(std::string_view bytes) override {
    inner_->Append(bytes);
    *count_ += bytes.size();
  }
  void Finish() override { inner_->Finish(); }
  void Abort() noexcept override { inner_->Abort(); }
  uint64_t BytesWritten() const override { return *count_; }

 private:
  std::unique_ptr<ByteSink> inner_;
  uint64_t* count_;
};

}  // namespace bx
