// What the SDKs wrap around events, unwrapped: query data=, form bodies, base64, gzip, lz64; and
// hostile wrappings (bad base64, bad escapes, bombs, truncation) refused with the right error.

#include "server/capture_decode.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "testing/gzip.h"

namespace bx {
namespace {

using testing::Gzip;

constexpr size_t kLimit = 1 << 20;
// Its base64 holds '+' and '/'.
const std::string kEvents =
    R"({"batch":[{"event":"e","distinct_id":"d","properties":{"s":"a+b/c ü>>>~~~???"}}]})";

std::string Base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = uint8_t(bytes[i]) << 16;
    out += std::string{kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out +=
        std::string{kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Decode(std::string body, std::string compression = "",
                   std::optional<std::string> query_data = std::nullopt, size_t limit = kLimit) {
  return DecodeCapturePayload({std::move(query_data), std::move(compression), std::move(body)},
                              limit);
}

std::string ErrorOf(std::string body, std::string compression = "",
                    std::optional<std::string> query_data = std::nullopt, size_t limit = kLimit) {
  try {
    Decode(std::move(body), std::move(compression), std::move(query_data), limit);
    return "none";
  } catch (const Error& e) {
    return e.type() + ": " + e.message();
  }
}

// An lz64 vector (made by npm lz-string) whose text is JSON.
std::pair<std::string, std::string> Lz64JsonVector() {
  std::ifstream in(std::string(BX_SOURCE_DIR) + "/src/server/testdata/lz64_vectors.json");
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json vectors = nlohmann::json::parse(text.str())["vectors"];
  for (const auto& v : vectors) {
    const std::string plain = *DecodeBase64(v["utf8_base64"].get<std::string>());
    if (plain.rfind("{\"api_key\"", 0) == 0) return {v["lz64"], plain};
  }
  return {};
}

TEST(CaptureDecode, PlainJsonPassesThrough) {
  EXPECT_EQ(Decode(kEvents), kEvents);
  EXPECT_EQ(Decode("[{}]"), "[{}]");
  // A gzip hint on a body Content-Encoding already inflated.
  EXPECT_EQ(Decode(kEvents, "gzip"), kEvents);
}

TEST(CaptureDecode, Base64BodiesFormsAndQueryData) {
  const std::string b64 = Base64(kEvents);
  ASSERT_NE(b64.find('+'), std::string::npos);  // so the '+' -> ' ' case is covered
  ASSERT_NE(b64.find('/'), std::string::npos);
  EXPECT_EQ(Decode(b64), kEvents);                       // a bare base64 body
  EXPECT_EQ(Decode("data=" + UrlEncode(b64)), kEvents);  // posthog-js compression=base64
  EXPECT_EQ(Decode("data=" + b64 + "&compression=base64"), kEvents);      // '+' read as ' '
  EXPECT_EQ(Decode("data=" + UrlEncode(kEvents) + "&ver=1.2"), kEvents);  // a JSON form field
  EXPECT_EQ(Decode("ver=1&_=171&data=" + UrlEncode(b64)), kEvents);
  // GET ?data=: httplib decoded the query, '+' became ' '.
  std::string spaced = b64;
  for (char& c : spaced) c = c == '+' ? ' ' : c;
  EXPECT_EQ(Decode("", "", spaced), kEvents);
  EXPECT_EQ(Decode("", "", kEvents), kEvents);
  // Without padding, and URL-safe.
  std::string unpadded = b64;
  while (unpadded.back() == '=') unpadded.pop_back();
  EXPECT_EQ(Decode("", "", unpadded), kEvents);
  std::string url_safe = b64;
  for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
  EXPECT_EQ(Decode("", "base64", url_safe), kEvents);
  // The query's data wins over the body, as in the reference service.
  EXPECT_EQ(Decode("ignored", "", b64), kEvents);
}

TEST(CaptureDecode, GzipAndLz64) {
  EXPECT_EQ(Decode(Gzip(kEvents), "gzip-js"), kEvents);
  EXPECT_EQ(Decode(Gzip(kEvents)), kEvents);  // recognised by its magic bytes
  EXPECT_EQ(Decode("data=" + UrlEncode(Base64(Gzip(kEvents)))), kEvents);
  const auto [lz64, plain] = Lz64JsonVector();
  ASSERT_FALSE(lz64.empty());
  EXPECT_EQ(Decode("data=" + UrlEncode(lz64) + "&compression=lz64"), plain);  // posthog-node form
  EXPECT_EQ(Decode(lz64, "lz64"), plain);
  EXPECT_EQ(Decode("", "lz-string", lz64), plain);
}

TEST(CaptureDecode, HostileWrappingsAreRefused) {
  EXPECT_EQ(ErrorOf("").rfind("InvalidArgument: the request holds no events", 0), 0u);
  EXPECT_EQ(ErrorOf("", "", "").rfind("InvalidArgument", 0), 0u);
  EXPECT_EQ(ErrorOf("data=&compression=lz64"),
            "InvalidArgument: data: the form body has no data= field with the events");
  EXPECT_EQ(ErrorOf("data=%ZZ"),
            "InvalidArgument: data: is not URL-encoded (a malformed %XX escape)");
  EXPECT_EQ(ErrorOf("data=abc%4"),
            "InvalidArgument: data: is not URL-encoded (a malformed %XX escape)");
  EXPECT_EQ(ErrorOf("abc!def"), "InvalidArgument: data: is neither JSON nor base64");
  EXPECT_EQ(ErrorOf("abcde"), "InvalidArgument: data: is neither JSON nor base64");
  EXPECT_EQ(ErrorOf("", "base64", "{not base64}"),
            "InvalidArgument: data: is not base64 (compression=base64)");
  EXPECT_EQ(ErrorOf("data=!!!!&compression=lz64").rfind("InvalidArgument: data: lz64:", 0), 0u);
  // Truncated gzip, raw and inside base64.
  const std::string gz = Gzip(kEvents);
  EXPECT_EQ(ErrorOf(gz.substr(0, gz.size() / 2), "gzip-js").rfind("InvalidArgument", 0), 0u);
  EXPECT_EQ(ErrorOf("data=" + UrlEncode(Base64(gz.substr(0, 20)))).rfind("InvalidArgument", 0), 0u);
  // Bombs stop at the limit: gzip, gzip in base64, lz64 (what npm lz-string makes of 10 kB).
  const std::string bomb = Gzip("[" + std::string(4 << 20, ' ') + "]");
  EXPECT_EQ(ErrorOf(bomb, "gzip-js").rfind("PayloadTooLarge", 0), 0u);
  EXPECT_EQ(ErrorOf("", "", Base64(bomb)).rfind("PayloadTooLarge", 0), 0u);
  EXPECT_EQ(ErrorOf("IY18ZXT1A===", "lz64", std::nullopt, 63).rfind("PayloadTooLarge", 0), 0u);
  // A huge data= field: refused by size before any decoding.
  const std::string huge(kLimit + 1, 'A');
  EXPECT_EQ(ErrorOf("data=" + huge).rfind("PayloadTooLarge", 0), 0u);
  EXPECT_EQ(ErrorOf("", "", huge).rfind("PayloadTooLarge", 0), 0u);
}

TEST(CaptureDecode, Base64AndFormComponents) {
  EXPECT_EQ(*DecodeBase64("YQ=="), "a");
  EXPECT_EQ(*DecodeBase64("YQ"), "a");
  EXPECT_EQ(*DecodeBase64("YWI="), "ab");
  EXPECT_FALSE(DecodeBase64("Y"));       // 6 bits: not a byte
  EXPECT_FALSE(DecodeBase64("YQ*="));    // not the alphabet
  EXPECT_FALSE(DecodeBase64("YQ==YQ"));  // padding inside
  EXPECT_FALSE(DecodeBase64(""));
  EXPECT_EQ(*DecodeFormComponent("a+b%2Bc%e2%9c%93"), "a b+c\xe2\x9c\x93");
  EXPECT_FALSE(DecodeFormComponent("%"));
  EXPECT_FALSE(DecodeFormComponent("%a"));
  EXPECT_FALSE(DecodeFormComponent("%ag"));
}

}  // namespace
}  // namespace bx
