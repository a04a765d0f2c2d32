#pragma once
// Unwraps what the SDKs put around a capture request's events, to the JSON text of the events:
//   - where: the `data` query parameter (GET /e/?data=...), else the body;
//   - a form body (`data=<...>&compression=...`, URL-encoded), else the body as sent;
//   - compression: `compression` from the query, else from the form: `gzip`/`gzip-js` (a gzip
//     body, also recognised by its magic bytes), `lz64`/`lz-string` (LZ-string compressToBase64),
//     `base64`/`b64`; unknown values are ignored, as the reference capture service does. Text that
//     is all base64 is decoded even without a hint (old snippets send `data=<base64 JSON>`).
// Content-Encoding: gzip is undone by the HTTP server before this sees the body.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bx {

struct CaptureRequestParts {
  std::optional<std::string> query_data;  // ?data=, already URL-decoded
  std::string query_compression;          // ?compression=
  std::string body;                       // after Content-Encoding
};

// The JSON text; throws InvalidArgument when the request holds nothing decodable and
// PayloadTooLarge when any stage would produce more than `max_bytes`.
std::string DecodeCapturePayload(const CaptureRequestParts& request, size_t max_bytes);

// Standard or URL-safe base64, padding optional, a space read as '+' (form and query decoding
// turn '+' into a space); nullopt when `text` is not base64.
std::optional<std::string> DecodeBase64(std::string_view text);

// %XX escapes and '+' as a space; nullopt on a malformed escape.
std::optional<std::string> DecodeFormComponent(std::string_view text);

}  // namespace bx
