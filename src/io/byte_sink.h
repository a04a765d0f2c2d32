#pragma once
// Where encoded bytes go: a local file, an S3 multipart upload, a compressor wrapping another
// sink. Nothing written becomes visible until Finish(); Abort() (or destruction without
// Finish) leaves nothing behind.

#include <cstdint>
#include <string_view>

namespace bx {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void Append(std::string_view bytes) = 0;
  // Completes the object and makes it visible. Throws bx::Error on failure.
  virtual void Finish() = 0;
  // Discards everything written. Never throws.
  virtual void Abort() noexcept = 0;
  // Bytes accepted by Append so far.
  virtual uint64_t BytesWritten() const = 0;
  // The size the finished object would have if Finish() were called now. Sinks that transform
  // their input (compressors) estimate what they still buffer; the FileRotator splits on this.
  virtual uint64_t EstimatedSize() const { return BytesWritten(); }
};

}  // namespace bx
