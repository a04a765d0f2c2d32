// Throughput and ratio of the compress module on realistic event JSON lines, one thread.
// Usage: compress_bench [megabytes=200] [file to write the generated JSON to, then exit]

#include <brotli/encode.h>
#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "compress/block_codec.h"
#include "compress/compressing_sink.h"

namespace bx {
namespace {

class CountingSink : public ByteSink {
 public:
  void Append(std::string_view bytes) override { written_ += bytes.size(); }
  void Finish() override {}
  void Abort() noexcept override {}
  uint64_t BytesWritten() const override { return written_; }

 private:
  uint64_t written_ = 0;
};

// Events shaped like product-analytics exports: stable keys, URLs with UTM parameters,
// browsers, nested $set objects, ids, a little unicode; properties of 200-800 bytes.
class EventGenerator {
 public:
  std::string Lines(size_t bytes) {
    std::string out;
    out.reserve(bytes + 4096);
    while (out.size() < bytes) AppendEvent(out);
    return out;
  }

 private:
  template <size_t N>
  const char* Pick(const char* const (&items)[N]) {
    return items[rng_() % N];
  }
  std::string Hex(int n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s(n, '0');
    for (char& c : s) c = kDigits[rng_() % 16];
    return s;
  }
  std::string Uuid() {
    return "018f" + Hex(4) + "-" + Hex(4) + "-7" + Hex(3) + "-" + Hex(4) + "-" + Hex(12);
  }
  std::string Num(int lo, int hi) {
    return std::to_string(lo + static_cast<int>(rng_() % (hi - lo)));
  }

  void AppendEvent(std::string& out) {
    static constexpr const char* kEvents[] = {
        "$pageview", "$pageview",        "$pageview",          "$autocapture",         "$pageleave",
        "signed_up", "checkout_started", "purchase_completed", "$feature_flag_called", "$identify"};
    static constexpr const char* kHosts[] = {"https://app.example.com", "https://www.example.com",
                                             "https://shop.example.co.uk",
                                             "https://docs.example.io"};
    static constexpr const char* kPaths[] = {"/",
                                             "/pricing",
                                             "/docs/getting-started",
                                             "/blog/2024/how-we-scaled",
                                             "/checkout/cart",
                                             "/product/ergonomic-chair-42",
                                             "/account/settings",
                                             "/search",
                                             "/de/über-uns",
                                             "/signup"};
    static constexpr const char* kBrowsers[] = {
        "Chrome", "Chrome", "Safari", "Firefox", "Edge", "Mobile Safari", "Samsung Internet"};
    static constexpr const char* kOs[] = {"Windows", "Mac OS X", "iOS", "Android", "Linux"};
    static constexpr const char* kDevices[] = {"Desktop", "Mobile", "Tablet"};
    static constexpr const char* kSources[] = {"google",   "newsletter", "twitter",     "linkedin",
                                               "facebook", "bing",       "partner_site"};
    static constexpr const char* kMediums[] = {"cpc", "email", "social", "organic", "referral"};
    static constexpr const char* kCampaigns[] = {"spring_sale_2024", "launch_week",
                                                 "retargeting_q2", "brand", "webinar_followup"};
    static constexpr const char* kCities[] = {"London", "New York", "São Paulo", "München",
                                              "東京",   "Paris",    "Kraków",    "San Francisco",
                                              "Zürich", "Bengaluru"};
    static constexpr const char* kCountries[] = {"GB", "US", "BR", "DE", "JP",
                                                 "FR", "PL", "CH", "IN"};
    static constexpr const char* kPlans[] = {"free", "starter", "growth", "enterprise"};
    static constexpr const char* kRefs[] = {"$direct", "https://www.google.com/",
                                            "https://news.ycombinator.com/", "https://t.co/",
                                            "https://duckduckgo.com/"};

    const std::string event = Pick(kEvents);
    const std::string host = Pick(kHosts);
    const std::string path = Pick(kPaths);
    const bool utm = rng_() % 3 == 0;
    std::string url = host + path;
    if (utm) {
      url += std::string("?utm_source=") + Pick(kSources) + "&utm_medium=" + Pick(kMediums) +
             "&utm_campaign=" + Pick(kCampaigns);
    }
    out += R"({"uuid":")" + Uuid() + R"(","event":")" + event + R"(","timestamp":"2024-05-)" +
           Num(10, 29) + "T" + Num(10, 24) + ":" + Num(10, 60) + ":" + Num(10, 60) + "." +
           Num(100, 1000) + R"(Z","team_id":)" + Num(1, 40) + R"(,"distinct_id":")" + Uuid() +
           R"(","person_id":")" + Uuid() + R"(","properties":{)";
    out += R"("$current_url":")" + url + R"(","$host":")" + host.substr(8) + R"(","$pathname":")" +
           path + R"(","$browser":")" + Pick(kBrowsers) + R"(","$browser_version":)" +
           Num(90, 126) + R"(,"$os":")" + Pick(kOs) + R"(","$device_type":")" + Pick(kDevices) +
           R"(","$screen_height":)" + Num(600, 1600) + R"(,"$screen_width":)" + Num(360, 2560) +
           R"(,"$lib":"web","$lib_version":"1.)" + Num(100, 140) + "." + Num(0, 9) +
           R"(","$referrer":")" + Pick(kRefs) + R"(","$session_id":")" + Uuid() +
           R"(","$window_id":")" + Uuid() + R"(","$geoip_city_name":")" + Pick(kCities) +
           R"(","$geoip_country_code":")" + Pick(kCountries) + R"(")";
    if (utm) {
      out += std::string(R"(,"utm_source":")") + Pick(kSources) + R"(","utm_medium":")" +
             Pick(kMediums) + R"(","utm_campaign":")" + Pick(kCampaigns) + R"(")";
    }
    if (rng_() % 4 == 0) {
      out += std::string(R"(,"$set":{"email":"user)") + Num(1, 100000) +
             R"(@example.com","plan":")" + Pick(kPlans) + R"(","company":{"name":"Acme )" +
             Num(1, 500) + R"( GmbH","seats":)" + Num(1, 2000) + R"(}})";
    }
    if (event == "$autocapture") {
      out +=
          R"(,"$event_type":"click","$elements":[{"tag_name":"button","$el_text":"Add to cart","attr__class":"btn btn-primary"},{"tag_name":"div","attr__class":"product-card"}])";
    }
    if (event == "purchase_completed") {
      out += R"(,"order":{"id":")" + Hex(10) + R"(","total":)" + Num(5, 900) + "." + Num(10, 99) +
             R"(,"currency":"EUR","items":)" + Num(1, 9) + "}";
    }
    if (rng_() % 2 == 0) {
      out +=
          R"(,"$feature_flags":["new-checkout","beta-dashboard"],"$active_feature_flags":["new-checkout"])";
    }
    out += "}}\n";
  }

  std::mt19937_64 rng_{42};
};

struct Timing {
  double cpu;  // this thread's CPU time: what matters on a busy machine
  double wall;
};

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

Timing Time(const std::function<void()>& f) {
  const double cpu = ThreadCpuSeconds();
  const auto wall = std::chrono::steady_clock::now();
  f();
  return {ThreadCpuSeconds() - cpu,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count()};
}

void Report(const char* kind, const std::string& name, size_t in, size_t out, Timing t) {
  std::printf("%-7s %-24s %7.1f MB/s cpu  %7.1f MB/s wall  ratio %5.2f  (%4.1f%% of input)\n", kind,
              name.c_str(), in / t.cpu / 1e6, in / t.wall / 1e6, static_cast<double>(in) / out,
              100.0 * out / in);
  std::fflush(stdout);
}

void BenchStream(std::string_view data, Compression c, std::optional<int> level) {
  constexpr size_t kAppend = 64 << 10;  // roughly what the JSONL encoder hands over per batch
  auto counter = std::make_unique<CountingSink>();
  CountingSink* counted = counter.get();  // owned by `sink`, which outlives every use below
  std::unique_ptr<ByteSink> sink;
  uint64_t estimate_at_end = 0;
  const Timing s = Time([&] {
    sink = MakeCompressingSink(c, std::move(counter), level);
    for (size_t i = 0; i < data.size(); i += kAppend) sink->Append(data.substr(i, kAppend));
    estimate_at_end = sink->EstimatedSize();
    sink->Finish();
  });
  const std::string name = std::string(CompressionName(c)) + " level " +
                           (level ? std::to_string(*level) : std::string("default"));
  Report("stream", name, data.size(), counted->BytesWritten(), s);
  std::printf("        (estimate before Finish off by %+.2f%%)\n",
              100.0 * (static_cast<double>(estimate_at_end) - counted->BytesWritten()) /
                  counted->BytesWritten());
}

// Compresses `data` in pages of `page` bytes with `compress`, which returns compressed bytes.
void BenchPages(std::string_view data, size_t page, const std::string& name,
                const std::function<size_t(std::string_view)>& compress) {
  size_t out = 0;
  const Timing s = Time([&] {
    for (size_t i = 0; i < data.size(); i += page) out += compress(data.substr(i, page));
  });
  Report("page", name, data.size(), out, s);
}

void BenchBlocks(std::string_view data) {
  constexpr size_t kPage = 1 << 20;
  std::string buf;
  for (Compression c : {Compression::kSnappy, Compression::kGzip, Compression::kZstd,
                        Compression::kBrotli, Compression::kLz4}) {
    BenchPages(data, kPage, std::string(CompressionName(c)) + " (CompressBlock)",
               [&](std::string_view in) {
                 buf.clear();
                 CompressBlock(c, in, buf);
                 return buf.size();
               });
  }
  for (int level : {1, 6}) {
    z_stream zs{};
    deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    BenchPages(data, kPage, "gzip zlib " + std::to_string(level), [&](std::string_view in) {
      deflateReset(&zs);
      buf.resize(deflateBound(&zs, in.size()));
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zs.avail_in = static_cast<uInt>(in.size());
      zs.next_out = reinterpret_cast<Bytef*>(buf.data());
      zs.avail_out = static_cast<uInt>(buf.size());
      if (deflate(&zs, Z_FINISH) != Z_STREAM_END) std::abort();
      return static_cast<size_t>(zs.total_out);
    });
    deflateEnd(&zs);
  }
  for (int level : {1, 3, 4, 6}) {
    libdeflate_compressor* comp = libdeflate_alloc_compressor(level);
    BenchPages(data, kPage, "gzip libdeflate " + std::to_string(level), [&](std::string_view in) {
      buf.resize(libdeflate_gzip_compress_bound(comp, in.size()));
      const size_t n = libdeflate_gzip_compress(comp, in.data(), in.size(), buf.data(), buf.size());
      if (n == 0) std::abort();
      return n;
    });
    libdeflate_free_compressor(comp);
  }
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  for (int level : {1, 3}) {
    BenchPages(data, kPage, "zstd " + std::to_string(level), [&](std::string_view in) {
      buf.resize(ZSTD_compressBound(in.size()));
      const size_t n = ZSTD_compressCCtx(cctx, buf.data(), buf.size(), in.data(), in.size(), level);
      if (ZSTD_isError(n)) std::abort();
      return n;
    });
  }
  ZSTD_freeCCtx(cctx);
  for (int quality : {4, 5}) {
    BenchPages(data, kPage, "brotli " + std::to_string(quality), [&](std::string_view in) {
      size_t n = BrotliEncoderMaxCompressedSize(in.size());
      buf.resize(n);
      if (!BrotliEncoderCompress(quality, 22, BROTLI_MODE_GENERIC, in.size(),
                                 reinterpret_cast<const uint8_t*>(in.data()), &n,
                                 reinterpret_cast<uint8_t*>(buf.data()))) {
        std::abort();
      }
      return n;
    });
  }
}

}  // namespace
}  // namespace bx

int main(int argc, char** argv) {
  const size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200;
  const std::string data = bx::EventGenerator().Lines(mb << 20);
  size_t lines = 0;
  for (char c : data) lines += c == '\n';
  std::printf("%.1f MB of event JSON, %zu lines, %.0f bytes/line\n", data.size() / 1e6, lines,
              static_cast<double>(data.size()) / lines);
  if (argc > 2) {
    std::FILE* f = std::fopen(argv[2], "wb");
    if (f == nullptr || std::fwrite(data.data(), 1, data.size(), f) != data.size()) return 1;
    return std::fclose(f) == 0 ? 0 : 1;
  }
  using bx::Compression;
  bx::BenchStream(data, Compression::kNone, std::nullopt);
  for (int level : {1, 2, 3, 4, 5, 6}) bx::BenchStream(data, Compression::kGzip, level);
  for (int level : {1, 2, 3}) bx::BenchStream(data, Compression::kZstd, level);
  for (int level : {4, 5}) bx::BenchStream(data, Compression::kBrotli, level);
  bx::BenchStream(data, Compression::kLz4, 0);
  bx::BenchBlocks(data);
  return 0;
}
