#include "server/gzip_body.h"

#include <zlib.h>

#include "base/error.h"
#include "server/api_error.h"

namespace bx {

bool LooksGzipped(std::string_view body) {
  return body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
         static_cast<unsigned char>(body[1]) == 0x8b;
}

std::string GunzipBounded(std::string_view body, size_t limit) {
  z_stream z{};
  // 32 + MAX_WBITS: detect gzip or zlib headers.
  if (inflateInit2(&z, 32 + MAX_WBITS) != Z_OK) {
    throw Error(ErrorKind::kInternal, "InternalError", "inflateInit2 failed");
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  std::string out;
  char buf[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw InvalidArgument("", "the request body is not valid gzip");
    }
    const size_t produced = sizeof buf - z.avail_out;
    if (out.size() + produced > limit) {
      inflateEnd(&z);
      throw PayloadTooLargeError("the request body inflates to more than " + std::to_string(limit) +
                                 " bytes");
    }
    out.append(buf, produced);
    if (rc == Z_OK && produced == 0 && z.avail_in == 0) {
      inflateEnd(&z);
      throw InvalidArgument("", "the request body is truncated gzip");
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace bx
