#pragma once
// One compressed stream (gzip member, zstd frame, brotli stream, LZ4 frame) written into an
// OutputBuffer. CompressingSink decides when to flush; encoders only drive their library.

#include <memory>
#include <string_view>

#include "compress/output_buffer.h"

namespace bx {

class StreamEncoder {
 public:
  virtual ~StreamEncoder() = default;
  // Consumes all of `in`; the library may keep some of it buffered.
  virtual void Write(std::string_view in, OutputBuffer& out) = 0;
  // Emits everything consumed so far as complete, decodable output; the stream stays open.
  virtual void Flush(OutputBuffer& out) = 0;
  // Ends the stream (trailer, checksum). No calls follow.
  virtual void End(OutputBuffer& out) = 0;
};

// Levels are checked by the caller (see compression_levels.h).
std::unique_ptr<StreamEncoder> MakeGzipEncoder(int level);
std::unique_ptr<StreamEncoder> MakeZstdEncoder(int level);
std::unique_ptr<StreamEncoder> MakeBrotliEncoder(int quality);
std::unique_ptr<StreamEncoder> MakeLz4Encoder(int level);

}  // namespace bx
