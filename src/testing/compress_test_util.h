#pragma once
// Test-only helpers of the compress module: an in-memory sink, generated data and independent
// decoders (each codec's own library decoder, insisting on exactly one stream per file).

#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/formats.h"
#include "io/byte_sink.h"

namespace bx::testutil {

// Keeps everything appended; records how it was appended and how it ended.
class MemorySink : public ByteSink {
 public:
  struct State {
    std::string bytes;
    std::vector<size_t> append_sizes;
    bool finished = false;
    bool aborted = false;
  };
  explicit MemorySink(State* state) : state_(state) {}
  ~MemorySink() override {
    if (!state_->finished) Abort();
  }
  void Append(std::string_view bytes) override {
    state_->bytes.append(bytes);
    state_->append_sizes.push_back(bytes.size());
  }
  void Finish() override { state_->finished = true; }
  void Abort() noexcept override { state_->aborted = true; }
  uint64_t BytesWritten() const override { return state_->bytes.size(); }

 private:
  State* state_;
};

// JSON-lines-like analytics events: repetitive keys, varied values, a little unicode.
inline std::string JsonLines(size_t size, uint32_t seed = 1) {
  static constexpr const char* kEvents[] = {"$pageview", "$autocapture", "signed_up", "purchase",
                                            "$pageleave"};
  static constexpr const char* kBrowsers[] = {"Chrome", "Firefox", "Safari", "Edge"};
  static constexpr const char* kPaths[] = {"/", "/pricing", "/docs/getting-started",
                                           "/blog/überblick", "/checkout?step=2"};
  std::mt19937 rng(seed);
  std::string out;
  out.reserve(size + 512);
  while (out.size() < size) {
    out += R"({"uuid":"0189)";
    out += std::to_string(rng());
    out += R"(","event":")";
    out += kEvents[rng() % 5];
    out += R"(","timestamp":"2024-03-)";
    out += std::to_string(10 + rng() % 18) + "T" + std::to_string(10 + rng() % 14) + ":" +
           std::to_string(10 + rng() % 50) + ":00.000Z";
    out += R"(","distinct_id":"user_)" + std::to_string(rng() % 5000);
    out += R"(","properties":{"$browser":")";
    out += kBrowsers[rng() % 4];
    out += R"(","$current_url":"https://example.com)";
    out += kPaths[rng() % 5];
    out += R"(","utm_source":"campaign_)" + std::to_string(rng() % 40);
    out += R"(","$screen_width":)" + std::to_string(320 + rng() % 2000);
    out += R"(,"value":)" + std::to_string(rng() % 100000) + "}}\n";
  }
  out.resize(size);
  return out;
}

// Compares byte strings without printing megabytes on failure.
inline ::testing::AssertionResult SameBytes(std::string_view actual, std::string_view expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  size_t i = 0;
  while (i < actual.size() && i < expected.size() && actual[i] == expected[i]) ++i;
  return ::testing::AssertionFailure() << "sizes " << actual.size() << " vs " << expected.size()
                                       << ", first difference at byte " << i;
}

inline std::string RandomBytes(size_t size, uint32_t seed = 7) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Decodes exactly one gzip member, zstd frame, brotli stream or LZ4 frame that must end exactly
// at the end of `in`; throws std::runtime_error otherwise.
inline std::string DecodeStream(Compression c, std::string_view in) {
  std::string out;
  std::string chunk(1 << 16, '\0');
  switch (c) {
    case Compression::kGzip: {
      z_stream zs{};
      if (inflateInit2(&zs, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2");
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zs.avail_in = static_cast<uInt>(in.size());
      int rc = Z_OK;
      while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(chunk.data(), chunk.size() - zs.avail_out);
      }
      const uInt left = zs.avail_in;
      inflateEnd(&zs);
      if (rc != Z_STREAM_END) throw std::runtime_error("gzip: inflate " + std::to_string(rc));
      if (left != 0) throw std::runtime_error("gzip: bytes after the first member");
      return out;
    }
    case Compression::kZstd: {
      if (ZSTD_findFrameCompressedSize(in.data(), in.size()) != in.size()) {
        throw std::runtime_error("zstd: not exactly one frame");
      }
      ZSTD_DStream* ds = ZSTD_createDStream();
      ZSTD_inBuffer input{in.data(), in.size(), 0};
      size_t rc = 1;
      while (rc != 0 && !ZSTD_isError(rc)) {
        ZSTD_outBuffer output{chunk.data(), chunk.size(), 0};
        rc = ZSTD_decompressStream(ds, &output, &input);
        out.append(chunk.data(), output.pos);
        if (rc != 0 && input.pos == input.size && output.pos < output.size) break;
      }
      ZSTD_freeDStream(ds);
      if (rc != 0) throw std::runtime_error("zstd: truncated or corrupt frame");
      return out;
    }
    case Compression::kBrotli: {
      BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
      size_t avail_in = in.size();
      auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
      BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
      while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
        size_t avail_out = chunk.size();
        auto* next_out = reinterpret_cast<uint8_t*>(chunk.data());
        rc = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
        out.append(chunk.data(), chunk.size() - avail_out);
      }
      BrotliDecoderDestroyInstance(s);
      if (rc != BROTLI_DECODER_RESULT_SUCCESS) throw std::runtime_error("brotli: corrupt");
      if (avail_in != 0) throw std::runtime_error("brotli: bytes after the stream");
      return out;
    }
    case Compression::kLz4: {
      LZ4F_dctx* d = nullptr;
      LZ4F_createDecompressionContext(&d, LZ4F_VERSION);
      size_t pos = 0;
      size_t hint = 1;
      while (hint != 0 && !LZ4F_isError(hint) && pos < in.size()) {
        size_t dst_size = chunk.size();
        size_t src_size = in.size() - pos;
        hint = LZ4F_decompress(d, chunk.data(), &dst_size, in.data() + pos, &src_size, nullptr);
        pos += src_size;
        out.append(chunk.data(), dst_size);
      }
      // Drain output still held after the last input byte.
      while (hint != 0 && !LZ4F_isError(hint)) {
        size_t dst_size = chunk.size();
        size_t src_size = 0;
        hint = LZ4F_decompress(d, chunk.data(), &dst_size, nullptr, &src_size, nullptr);
        out.append(chunk.data(), dst_size);
        if (dst_size == 0) break;
      }
      LZ4F_freeDecompressionContext(d);
      if (hint != 0) throw std::runtime_error("lz4: truncated or corrupt frame");
      if (pos != in.size()) throw std::runtime_error("lz4: bytes after the frame");
      return out;
    }
    case Compression::kNone:
      return std::string(in);
    case Compression::kSnappy:
      break;
  }
  throw std::runtime_error("no stream decoder");
}

}  // namespace bx::testutil
