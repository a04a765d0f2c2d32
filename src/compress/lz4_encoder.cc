// LZ4 stream encoder: one LZ4 frame, 64 KiB linked blocks, content checksum.

#include <lz4frame.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "compress/compression_error.h"
#include "compress/stream_encoder.h"

namespace bx {
namespace {

constexpr size_t kBlockSize = 64 << 10;  // matches LZ4F_max64KB

void CheckLz4(size_t rc, const char* call) {
  if (LZ4F_isError(rc)) {
    ThrowCompressionError("lz4", std::string(call) + ": " + LZ4F_getErrorName(rc));
  }
}

class Lz4Encoder : public StreamEncoder {
 public:
  explicit Lz4Encoder(int level) {
    CheckLz4(LZ4F_createCompressionContext(&ctx_, LZ4F_VERSION), "LZ4F_createCompressionContext");
    prefs_.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs_.frameInfo.blockMode = LZ4F_blockLinked;
    prefs_.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    prefs_.compressionLevel = level;
  }
  ~Lz4Encoder() override { LZ4F_freeCompressionContext(ctx_); }

  void Write(std::string_view in, OutputBuffer& out) override {
    while (!in.empty()) {
      const size_t n = std::min(in.size(), kBlockSize - staged_);
      std::memcpy(stage_.get() + staged_, in.data(), n);
      staged_ += n;
      in.remove_prefix(n);
      if (staged_ == kBlockSize) CompressStage(out);
    }
  }
  void Flush(OutputBuffer& out) override {
    CompressStage(out);
    out.Reserve(LZ4F_compressBound(0, &prefs_));
    const size_t written = LZ4F_flush(ctx_, out.data(), out.available(), nullptr);
    CheckLz4(written, "LZ4F_flush");
    out.Commit(written);
  }
  void End(OutputBuffer& out) override {
    CompressStage(out);
    out.Reserve(LZ4F_compressBound(0, &prefs_));
    const size_t written = LZ4F_compressEnd(ctx_, out.data(), out.available(), nullptr);
    CheckLz4(written, "LZ4F_compressEnd");
    out.Commit(written);
  }

 private:
  // LZ4F's output depends on how its input is split (partial blocks take another path), so it
  // always gets whole blocks from here: the frame then depends only on the input bytes.
  void CompressStage(OutputBuffer& out) {
    Begin(out);
    if (staged_ == 0) return;
    out.Reserve(LZ4F_compressBound(staged_, &prefs_));
    const size_t written =
        LZ4F_compressUpdate(ctx_, out.data(), out.available(), stage_.get(), staged_, nullptr);
    CheckLz4(written, "LZ4F_compressUpdate");
    out.Commit(written);
    staged_ = 0;
  }

  void Begin(OutputBuffer& out) {
    if (begun_) return;
    out.Reserve(LZ4F_HEADER_SIZE_MAX);
    const size_t written = LZ4F_compressBegin(ctx_, out.data(), out.available(), &prefs_);
    CheckLz4(written, "LZ4F_compressBegin");
    out.Commit(written);
    begun_ = true;
  }

  LZ4F_cctx* ctx_ = nullptr;
  LZ4F_preferences_t prefs_{};
  std::unique_ptr<char[]> stage_{new char[kBlockSize]};
  size_t staged_ = 0;
  bool begun_ = false;
};

}  // namespace

std::unique_ptr<StreamEncoder> MakeLz4Encoder(int level) {
  return std::make_unique<Lz4Encoder>(level);
}

}  // namespace bx
