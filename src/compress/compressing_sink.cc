#include "compress/compressing_sink.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "base/error.h"
#include "compress/compression_levels.h"
#include "compress/output_buffer.h"
#include "compress/stream_encoder.h"

namespace bx {
namespace {

// Flushing the compressor this often makes EstimatedSize() accurate to a few percent and costs
// under 0.5% of ratio (compared with the codecs' CLIs on event JSON). Segments are cut at fixed
// input offsets, never at Append() calls, so the output depends only on the input bytes.
constexpr uint64_t kFlushInterval = 256 << 10;
// Compressed bytes are handed to the inner sink in chunks of this size. It must hold
// LZ4F_compressBound() of a 64 KiB update with 64 KiB blocks (about 128 KiB).
constexpr size_t kOutputChunk = 256 << 10;

Error UseAfterEnd(const char* what) {
  return Error(ErrorKind::kInternal, "InternalError",
               std::string("compressing sink used after ") + what);
}

class StreamCompressingSink : public ByteSink {
 public:
  StreamCompressingSink(std::unique_ptr<StreamEncoder> encoder, std::unique_ptr<ByteSink> inner)
      : encoder_(std::move(encoder)), inner_(std::move(inner)), out_(*inner_, kOutputChunk) {}
  ~StreamCompressingSink() override {
    if (state_ != State::kFinished) Abort();
  }

  void Append(std::string_view bytes) override {
    CheckOpen();
    try {
      while (!bytes.empty()) {
        const size_t n =
            static_cast<size_t>(std::min<uint64_t>(bytes.size(), kFlushInterval - segment_in_));
        encoder_->Write(bytes.substr(0, n), out_);
        segment_in_ += n;
        written_ += n;
        bytes.remove_prefix(n);
        if (segment_in_ == kFlushInterval) FlushSegment();
      }
    } catch (...) {
      state_ = State::kFailed;  // the stream is in an unknown state: only Abort() remains
      throw;
    }
  }

  void Finish() override {
    CheckOpen();
    try {
      encoder_->End(out_);
      out_.Drain();
      inner_->Finish();
    } catch (...) {
      state_ = State::kFailed;
      throw;
    }
    state_ = State::kFinished;
    encoder_.reset();
  }

  void Abort() noexcept override {
    inner_->Abort();
    encoder_.reset();
    if (state_ != State::kFinished) state_ = State::kAborted;
  }

  uint64_t BytesWritten() const override { return written_; }

  uint64_t EstimatedSize() const override {
    if (state_ == State::kFinished) return out_.produced();
    const auto pending = static_cast<uint64_t>(std::llround(segment_in_ * ratio_));
    // The library may already have emitted more than the estimate (incompressible input).
    return std::max(produced_at_flush_ + pending, out_.produced());
  }

 private:
  enum class State { kOpen, kFinished, kAborted, kFailed };

  void CheckOpen() const {
    switch (state_) {
      case State::kOpen:
        return;
      case State::kFinished:
        throw UseAfterEnd("Finish()");
      case State::kAborted:
        throw UseAfterEnd("Abort()");
      case State::kFailed:
        throw UseAfterEnd("an earlier failure");
    }
  }

  void FlushSegment() {
    encoder_->Flush(out_);
    ratio_ = static_cast<double>(out_.produced() - produced_at_flush_) / segment_in_;
    produced_at_flush_ = out_.produced();
    segment_in_ = 0;
  }

  std::unique_ptr<StreamEncoder> encoder_;
  std::unique_ptr<ByteSink> inner_;
  OutputBuffer out_;
  State state_ = State::kOpen;
  uint64_t written_ = 0;
  uint64_t segment_in_ = 0;         // input since the last flush
  uint64_t produced_at_flush_ = 0;  // compressed bytes up to the last flush
  double ratio_ = 1.0;              // compressed / input over the last flush segment
};

class PassThroughSink : public ByteSink {
 public:
  explicit PassThroughSink(std::unique_ptr<ByteSink> inner) : inner_(std::move(inner)) {}
  void Append(std::string_view bytes) override { inner_->Append(bytes); }
  void Finish() override { inner_->Finish(); }
  void Abort() noexcept override { inner_->Abort(); }
  uint64_t BytesWritten() const override { return inner_->BytesWritten(); }
  uint64_t EstimatedSize() const override { return inner_->EstimatedSize(); }

 private:
  std::unique_ptr<ByteSink> inner_;
};

std::unique_ptr<StreamEncoder> MakeEncoder(Compression c, int level) {
  switch (c) {
    case Compression::kGzip:
      return MakeGzipEncoder(level);
    case Compression::kZstd:
      return MakeZstdEncoder(level);
    case Compression::kBrotli:
      return MakeBrotliEncoder(level);
    case Compression::kLz4:
      return MakeLz4Encoder(level);
    case Compression::kNone:
    case Compression::kSnappy:
      break;
  }
  throw Error(ErrorKind::kInternal, "InternalError",
              "no stream encoder for " + std::string(CompressionName(c)));
}

}  // namespace

std::unique_ptr<ByteSink> MakeCompressingSink(Compression c, std::unique_ptr<ByteSink> inner,
                                              std::optional<int> level) {
  if (inner == nullptr) {
    throw Error(ErrorKind::kInternal, "InternalError", "compressing sink needs an inner sink");
  }
  if (c == Compression::kSnappy) {
    throw InvalidArgument("compression",
                          "snappy is not supported for JSON lines: it has no standard stream "
                          "framing (use it with Parquet)");
  }
  if (c == Compression::kNone) return std::make_unique<PassThroughSink>(std::move(inner));
  return std::make_unique<StreamCompressingSink>(MakeEncoder(c, ResolveStreamLevel(c, level)),
                                                 std::move(inner));
}

}  // namespace bx
