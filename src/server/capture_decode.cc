#include "server/capture_decode.h"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "base/error.h"
#include "server/api_error.h"
#include "server/gzip_body.h"
#include "server/lz_string.h"

namespace bx {
namespace {

enum class Compression { kNone, kGzip, kLz64, kBase64 };

Compression ParseCompression(std::string_view value) {
  std::string lower(value);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "gzip" || lower == "gzip-js") return Compression::kGzip;
  if (lower == "lz64" || lower == "lz-string") return Compression::kLz64;
  if (lower == "base64" || lower == "b64") return Compression::kBase64;
  return Compression::kNone;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == ' ' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The form fields SDKs send first (the reference service recognises a form by them too).
bool LooksLikeForm(std::string_view body) {
  static constexpr std::array<std::string_view, 5> kFirstFields = {
      "data=", "compression=", "ver=", "_=", "ip="};
  for (std::string_view f : kFirstFields) {
    if (body.substr(0, f.size()) == f) return true;
  }
  return false;
}

struct FormFields {
  std::optional<std::string> data;
  std::string compression;
};

FormFields ParseForm(std::string_view body) {
  FormFields out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view raw = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (key != "data" && key != "compression") continue;
    std::optional<std::string> value = DecodeFormComponent(raw);
    if (!value) {
      throw InvalidArgument(std::string(key), "is not URL-encoded (a malformed %XX escape)");
    }
    if (key == "data") {
      out.data = std::move(*value);
    } else {
      out.compression = std::move(*value);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  while (!text.empty() && (text.back() == '=' || text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::optional<std::string> DecodeFormComponent(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string DecodeCapturePayload(const CaptureRequestParts& request, size_t max_bytes) {
  std::string payload;
  Compression compression = ParseCompression(request.query_compression);
  const bool from_query = request.query_data && !request.query_data->empty();
  if (from_query) {
    payload = *request.query_data;
  } else if (LooksLikeForm(request.body)) {
    FormFields form = ParseForm(request.body);
    if (!form.data || form.data->empty()) {
      throw InvalidArgument("data", "the form body has no data= field with the events");
    }
    payload = std::move(*form.data);
    if (compression == Compression::kNone) compression = ParseCompression(form.compression);
  } else {
    payload = request.body;
  }
  if (payload.empty()) {
    throw InvalidArgument("",
                          "the request holds no events: send them as the body, as a form "
                          "field data=, or as ?data=");
  }
  if (payload.size() > max_bytes) {
    throw PayloadTooLargeError(
        fmt::format("the request's data is larger than {} bytes", max_bytes));
  }

  if (compression == Compression::kLz64) return DecompressLz64(payload, max_bytes);
  if (LooksGzipped(payload)) return GunzipBounded(payload, max_bytes);
  // A gzip hint without gzip bytes: the body was already inflated (Content-Encoding) or is
  // plain; the JSON parser has the last word.
  const bool base64_alphabet =
      Base64Value(payload.front()) >= 0 && payload.front() != ' ' && payload.front() != '-';
  if (compression == Compression::kBase64 || base64_alphabet) {
    std::optional<std::string> decoded = DecodeBase64(payload);
    if (!decoded) {
      throw InvalidArgument("data", compression == Compression::kBase64
                                        ? "is not base64 (compression=base64)"
                                        : "is neither JSON nor base64");
    }
    if (LooksGzipped(*decoded)) return GunzipBounded(*decoded, max_bytes);
    return std::move(*decoded);
  }
  return payload;
}

}  // namespace bx
