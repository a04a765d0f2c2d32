// zstd stream encoder: one zstd frame with a content checksum.

#include <zstd.h>

#include <string>

#include "compress/compression_error.h"
#include "compress/stream_encoder.h"

namespace bx {
namespace {

void CheckZstd(size_t rc, const char* call) {
  if (ZSTD_isError(rc)) {
    ThrowCompressionError("zstd", std::string(call) + ": " + ZSTD_getErrorName(rc));
  }
}

class ZstdEncoder : public StreamEncoder {
 public:
  explicit ZstdEncoder(int level) : cctx_(ZSTD_createCCtx()) {
    if (cctx_ == nullptr) ThrowCompressionError("zstd", "ZSTD_createCCtx failed");
    CheckZstd(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level), "set level");
    CheckZstd(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1), "set checksum");
  }
  ~ZstdEncoder() override { ZSTD_freeCCtx(cctx_); }

  void Write(std::string_view in, OutputBuffer& out) override {
    Compress(in, ZSTD_e_continue, out);
  }
  void Flush(OutputBuffer& out) override { Compress({}, ZSTD_e_flush, out); }
  void End(OutputBuffer& out) override { Compress({}, ZSTD_e_end, out); }

 private:
  void Compress(std::string_view in, ZSTD_EndDirective mode, OutputBuffer& out) {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    while (true) {
      if (out.available() == 0) out.Drain();
      ZSTD_outBuffer output{out.data(), out.available(), 0};
      const size_t remaining = ZSTD_compressStream2(cctx_, &output, &input, mode);
      out.Commit(output.pos);
      CheckZstd(remaining, "ZSTD_compressStream2");
      if (mode == ZSTD_e_continue ? input.pos == input.size : remaining == 0) return;
    }
  }

  ZSTD_CCtx* cctx_;
};

}  // namespace

std::unique_ptr<StreamEncoder> MakeZstdEncoder(int level) {
  return std::make_unique<ZstdEncoder>(level);
}

}  // namespace bx
