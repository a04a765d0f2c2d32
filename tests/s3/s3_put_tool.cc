// Uploads `size_mib` MiB of deterministic pseudo-random bytes, or the file named by `@path`,
// through the S3 destination's object sink and prints "bytes=N seconds=S mb_per_s=R
// peak_rss_kib=K" (VmHWM of this process). For the peak-memory test and the raw upload benchmark
// (which uploads the same file as `aws s3 cp`).
// usage: s3_put_tool <endpoint_url> <bucket> <key> <size_mib | @path> [part_mib=8]
//        [parts_in_flight=4]  (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "base/error.h"
#include "sink/s3/s3_object_store.h"

namespace {

long PeakRssKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s endpoint bucket key size_mib [part_mib] [in_flight]\n",
                 argv[0]);
    return 2;
  }
  bx::s3::S3StoreOptions options;
  options.client.endpoint_url = argv[1];
  options.client.bucket = argv[2];
  const char* id = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  options.client.credentials = {id ? id : "", secret ? secret : "", ""};
  const bool from_file = argv[4][0] == '@';
  std::ifstream file;
  if (from_file) {
    file.open(argv[4] + 1, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "cannot read %s\n", argv[4] + 1);
      return 2;
    }
  }
  const uint64_t size = from_file ? 0 : std::strtoull(argv[4], nullptr, 10) << 20;
  options.part_size = (argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 8) << 20;
  options.parts_in_flight = argc > 6 ? std::strtoull(argv[6], nullptr, 10) : 4;
  try {
    bx::s3::S3ObjectStore store(options);
    const auto started = std::chrono::steady_clock::now();
    auto sink = store.OpenObject(argv[3]);
    std::string chunk(1 << 20, '\0');
    uint64_t uploaded = 0;
    while (from_file && file.read(chunk.data(), chunk.size()).gcount() > 0) {
      sink->Append(std::string_view(chunk.data(), file.gcount()));
      uploaded += file.gcount();
    }
    uint64_t state = 0x9E3779B97F4A7C15ull;
    for (uint64_t done = 0; done < size; done += chunk.size()) {
      for (size_t i = 0; i < chunk.size(); i += 8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::memcpy(&chunk[i], &state, 8);
      }
      const size_t n = std::min<uint64_t>(chunk.size(), size - done);
      sink->Append(std::string_view(chunk).substr(0, n));
      uploaded += n;
    }
    sink->Finish();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("bytes=%llu seconds=%.2f mb_per_s=%.1f peak_rss_kib=%ld part_size=%zu\n",
                static_cast<unsigned long long>(uploaded), seconds, uploaded / 1e6 / seconds,
                PeakRssKib(), store.part_size());
    return 0;
  } catch (const bx::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.Describe().c_str());
    return 1;
  }
}
