// The gzip body reader of the capture endpoint (server/gzip_body), given any bytes as a body
// sent with ?compression=gzip-js, and the same bytes gzipped by zlib.
// Invariant: never crashes or inflates past its limit: it returns at most `limit` bytes or throws
// InvalidArgument (corrupt) or PayloadTooLarge (over the limit); a real gzip stream of the input
// comes back as the input when it fits, and is refused as too large when it does not.

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include "base/error.h"
#include "fuzz_check.h"
#include "server/gzip_body.h"

namespace {

std::string Gzip(std::string_view in, int level) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  FUZZ_CHECK(rc == Z_STREAM_END, "zlib could not gzip the input");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Runs GunzipBounded; returns the result, or "" with `refused` set to the error's type.
std::string Gunzip(std::string_view body, size_t limit, std::string& refused) {
  try {
    std::string out = bx::GunzipBounded(body, limit);
    FUZZ_CHECK(out.size() <= limit, "inflated past the limit");
    return out;
  } catch (const bx::Error& e) {
    FUZZ_CHECK(e.kind() == bx::ErrorKind::kInvalidArgument || e.type() == "PayloadTooLarge",
               "unexpected error " + e.type() + ": " + e.message());
    refused = e.type();
    return "";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const size_t limit = in.ConsumeIntegralInRange<size_t>(0, 1 << 20);
  const int level = in.ConsumeIntegralInRange<int>(0, 9);
  const std::string bytes = in.ConsumeRemainingBytesAsString();

  std::string refused;
  (void)bx::LooksGzipped(bytes);
  (void)Gunzip(bytes, limit, refused);

  refused.clear();
  const std::string inflated = Gunzip(Gzip(bytes, level), limit, refused);
  if (bytes.size() <= limit) {
    FUZZ_CHECK(refused.empty(), "a valid gzip stream within the limit was refused: " + refused);
    FUZZ_CHECK(inflated == bytes, "the gzip stream did not inflate to its input");
  } else {
    FUZZ_CHECK(refused == "PayloadTooLarge", "an over-limit stream was not refused as too large");
  }
  return 0;
}
