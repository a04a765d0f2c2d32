#pragma once
// LZ-string's "compressToBase64" format, decompressed (what browser and Node.js SDKs send as
// `compression=lz64`). Written to the format's definition: a bit stream read least significant
// bit first, 6 bits per base64 character; codes 0 and 1 bring a literal of 8 or 16 bits, 2 ends
// the stream, and every other code names a dictionary entry, the dictionary growing by one entry
// (the previous output plus the first unit of this one) per code, the code width by one bit
// whenever the dictionary outgrows it. The output is UTF-16 code units, returned as UTF-8.
//
// Bounded: the output stops at `max_bytes` (a few hundred bytes of lz64 can expand to gigabytes)
// and the dictionary refers to ranges of the output instead of copying them, so memory stays
// proportional to the output.

#include <cstddef>
#include <string>
#include <string_view>

namespace bx {

// Throws InvalidArgument when `text` is not lz64 (a character outside the base64 alphabet, a
// code naming no entry, a stream that ends without its end code) and PayloadTooLarge when the
// output would exceed `max_bytes` of UTF-8. A space counts as '+' (form decoding turns '+' into
// a space). Unpaired surrogates become U+FFFD.
std::string DecompressLz64(std::string_view text, size_t max_bytes);

}  // namespace bx
