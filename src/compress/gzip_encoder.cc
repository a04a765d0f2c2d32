// gzip stream encoder: one gzip member (zlib deflate with a gzip header).

#include <zlib.h>

#include <string>

#include "compress/compression_error.h"
#include "compress/stream_encoder.h"

namespace bx {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer
constexpr int kMemLevel = 8;              // zlib's default

class GzipEncoder : public StreamEncoder {
 public:
  explicit GzipEncoder(int level) {
    const int rc =
        deflateInit2(&zs_, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) ThrowCompressionError("gzip", "deflateInit2 failed with " + std::to_string(rc));
  }
  ~GzipEncoder() override { deflateEnd(&zs_); }

  void Write(std::string_view in, OutputBuffer& out) override { Deflate(in, Z_NO_FLUSH, out); }
  void Flush(OutputBuffer& out) override { Deflate({}, Z_SYNC_FLUSH, out); }
  void End(OutputBuffer& out) override { Deflate({}, Z_FINISH, out); }

 private:
  // `in` is at most one flush segment (256 KiB), so it fits zlib's 32-bit counters.
  void Deflate(std::string_view in, int flush, OutputBuffer& out) {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    while (true) {
      if (out.available() == 0) out.Drain();
      zs_.next_out = reinterpret_cast<Bytef*>(out.data());
      zs_.avail_out = static_cast<uInt>(out.available());
      const uInt before = zs_.avail_out;
      const int rc = deflate(&zs_, flush);
      out.Commit(before - zs_.avail_out);
      if (rc == Z_STREAM_END) return;
      // Z_BUF_ERROR only means "no progress possible now", e.g. nothing left to compress.
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        ThrowCompressionError("gzip", "deflate failed with " + std::to_string(rc));
      }
      // Room left in the output means zlib has nothing more to emit for this call.
      if (flush != Z_FINISH && zs_.avail_in == 0 && zs_.avail_out != 0) return;
    }
  }

  z_stream zs_{};
};

}  // namespace

std::unique_ptr<StreamEncoder> MakeGzipEncoder(int level) {
  return std::make_unique<GzipEncoder>(level);
}

}  // namespace bx
