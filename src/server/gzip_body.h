#pragma once
// Bodies compressed without a Content-Encoding header: capture clients that send gzip as
// text/plain with `?compression=gzip-js` (Content-Encoding itself is decoded by the HTTP
// library before the handler sees the body).

#include <string>
#include <string_view>

namespace bx {

// True when `body` starts with the gzip magic bytes.
bool LooksGzipped(std::string_view body);

// Inflates a gzip (or zlib) stream; throws PayloadTooLarge when the result would exceed
// `limit` bytes (a small body may inflate to gigabytes) and InvalidArgument when corrupt.
std::string GunzipBounded(std::string_view body, size_t limit);

}  // namespace bx
