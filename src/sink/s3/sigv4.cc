#include "sink/s3/sigv4.h"

#include <algorithm>
#include <cctype>

#include "sink/s3/crypto.h"

namespace bx::s3 {
namespace {

bool Unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Trims the value and collapses runs of spaces into one, as the canonical headers require.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string_view DateOf(std::string_view amz_date) { return amz_date.substr(0, 8); }

}  // namespace

std::string UriEncode(std::string_view text, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (Unreserved(c) || (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string CanonicalQueryString(const QueryParams& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, true), UriEncode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::string AmzDate(std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SigV4Signer::SigV4Signer(Credentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

std::string SigV4Signer::CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                                          const QueryParams& query, const HttpHeaders& headers,
                                          std::string_view payload_hash,
                                          std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> canonical;
  for (const auto& [name, value] : headers) {
    canonical.emplace_back(Lower(name), CanonicalHeaderValue(value));
  }
  std::stable_sort(canonical.begin(), canonical.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string header_block;
  signed_headers->clear();
  for (size_t i = 0; i < canonical.size(); ++i) {
    const bool repeat = i > 0 && canonical[i].first == canonical[i - 1].first;
    if (repeat) {
      header_block.back() = ',';  // same name twice: values joined with commas
      header_block += canonical[i].second + "\n";
      continue;
    }
    header_block += canonical[i].first + ":" + canonical[i].second + "\n";
    if (!signed_headers->empty()) *signed_headers += ';';
    *signed_headers += canonical[i].first;
  }
  std::string out;
  out.append(method).append("\n");
  out.append(canonical_uri.empty() ? "/" : canonical_uri).append("\n");
  out.append(CanonicalQueryString(query)).append("\n");
  out.append(header_block).append("\n");
  out.append(*signed_headers).append("\n");
  out.append(payload_hash);
  return out;
}

std::string SigV4Signer::StringToSign(std::string_view amz_date,
                                      std::string_view canonical_request) const {
  std::string out = "AWS4-HMAC-SHA256\n";
  out.append(amz_date).append("\n");
  out.append(DateOf(amz_date)).append("/").append(region_).append("/").append(service_);
  out.append("/aws4_request\n");
  out.append(Sha256Hex(canonical_request));
  return out;
}

std::string SigV4Signer::Signature(std::string_view amz_date,
                                   std::string_view string_to_sign) const {
  const Sha256Digest date_key =
      HmacSha256("AWS4" + credentials_.secret_access_key, DateOf(amz_date));
  auto as_view = [](const Sha256Digest& d) {
    return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
  };
  const Sha256Digest region_key = HmacSha256(as_view(date_key), region_);
  const Sha256Digest service_key = HmacSha256(as_view(region_key), service_);
  const Sha256Digest signing_key = HmacSha256(as_view(service_key), "aws4_request");
  return Hex(HmacSha256(as_view(signing_key), string_to_sign));
}

void SigV4Signer::Sign(std::string_view method, std::string_view canonical_uri,
                       const QueryParams& query, std::string_view payload_hash,
                       std::string_view amz_date, HttpHeaders& headers) const {
  headers.emplace_back("x-amz-date", std::string(amz_date));
  headers.emplace_back("x-amz-content-sha256", std::string(payload_hash));
  if (!credentials_.session_token.empty()) {
    headers.emplace_back("x-amz-security-token", credentials_.session_token);
  }
  std::string signed_headers;
  const std::string canonical =
      CanonicalRequest(method, canonical_uri, query, headers, payload_hash, &signed_headers);
  const std::string signature = Signature(amz_date, StringToSign(amz_date, canonical));
  headers.emplace_back("Authorization",
                       "AWS4-HMAC-SHA256 Credential=" + credentials_.access_key_id + "/" +
                           std::string(DateOf(amz_date)) + "/" + region_ + "/" + service_ +
                           "/aws4_request, SignedHeaders=" + signed_headers +
                           ", Signature=" + signature);
}

}  // namespace bx::s3
