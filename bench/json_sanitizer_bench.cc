// Throughput of JsonSanitizer::Append on ~400-byte event properties: clean ones (fast path) and
// dirty ones (slow path). Usage: json_sanitizer_bench [seconds per case, default 2] [case name
// prefix] Time is this thread's CPU time, so that other work on a shared machine skews it less.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_sanitizer.h"

namespace {

std::string Pick(std::mt19937& rng, const std::vector<std::string>& options) {
  return options[rng() % options.size()];
}

// One event's properties, as a product analytics source stores them.
std::string MakeEvent(std::mt19937& rng) {
  std::string e = "{\"$browser\":\"" + Pick(rng, {"Chrome", "Firefox", "Safari", "Edge"});
  e += "\",\"$os\":\"" + Pick(rng, {"Mac OS X", "Windows", "Linux", "iOS", "Android"});
  e += "\",\"$current_url\":\"https:\\/\\/shop.example.com\\/cart?id=" +
       std::to_string(rng() % 100000);
  e += "&ref=mail\",\"$screen_width\":" + std::to_string(800 + rng() % 2000);
  e += ",\"$screen_height\":" + std::to_string(600 + rng() % 1000);
  e += ",\"$session_id\":\"" + std::to_string(rng()) + "-" + std::to_string(rng());
  e += "\",\"price\":" + std::to_string(rng() % 10000) + "." + std::to_string(rng() % 100);
  e += ",\"qty\":" + std::to_string(rng() % 10);
  e += ",\"name\":\"" +
       Pick(rng, {"Zo\xC3\xAB \\\"Z\\\" M\xC3\xBCller", "Jean Dupont", "\xE6\x9D\xB1\xE4\xBA\xAC"});
  e += "\",\"emoji\":\"" + Pick(rng, {"\\ud83d\\ude00", "\xF0\x9F\x98\x80", "none"});
  e += "\",\"referrer\":\"https:\\/\\/www.google.com\\/search?q=" + std::to_string(rng());
  e += "\",\"tags\":[\"new\",\"vip\",null,true,false],\"utm\":{\"source\":\"newsletter\",";
  e += "\"medium\":\"email\",\"campaign\":\"spring_sale_" + std::to_string(rng() % 100) + "\"}";
  e += ",\"is_first_visit\":" + Pick(rng, {"true", "false"}) + "}";
  return e;
}

// The same event with one typical defect, so that it takes the slow path.
std::string Dirty(std::string e, int defect) {
  const size_t name = e.find("\"name\":\"") + 8;
  switch (defect % 5) {
    case 0:
      e.insert(name, "\xff");
      break;  // invalid UTF-8
    case 1:
      e.insert(name, "\\ud800");
      break;  // lone surrogate escape
    case 2:
      e.insert(name, "\\u0000");
      break;  // NUL escape
    case 3:
      e.insert(e.find(",\"qty\"") + 1, "\n  ");
      break;  // spans lines
    default:
      e.insert(name, "\xED\xA0\x80");
      break;  // UTF-8 encoded surrogate
  }
  return e;
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Outcome {
  double mb_per_s;
  size_t counts[3];
};

Outcome Measure(const std::vector<std::string>& events, double seconds) {
  bx::JsonSanitizer sanitizer;
  std::string out;
  out.reserve(1 << 20);
  Outcome outcome{0, {0, 0, 0}};
  size_t bytes = 0;
  const double start = CpuSeconds();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (const auto& e : events) {
      if (out.size() > (1 << 19)) out.clear();
      ++outcome.counts[static_cast<int>(sanitizer.Append(e, out))];
      out.push_back('\n');
      bytes += e.size();
    }
    elapsed = CpuSeconds() - start;
  }
  outcome.mb_per_s = bytes / elapsed / 1e6;
  return outcome;
}

void Report(const char* name, const std::vector<std::string>& events, double seconds,
            const char* only) {
  if (!std::string_view(name).starts_with(only)) return;
  size_t bytes = 0;
  for (const auto& e : events) bytes += e.size();
  const Outcome o = Measure(events, seconds);
  std::printf("%-28s avg %4zu B/event  %8.1f MB/s  (clean %zu, repaired %zu, not-json %zu)\n", name,
              bytes / events.size(), o.mb_per_s, o.counts[0], o.counts[1], o.counts[2]);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const char* only = argc > 2 ? argv[2] : "";
  std::mt19937 rng(42);
  std::vector<std::string> clean, dirty, not_json;
  for (int i = 0; i < 2000; ++i) {
    clean.push_back(MakeEvent(rng));
    dirty.push_back(Dirty(clean.back(), i));
    not_json.push_back(clean.back().substr(0, clean.back().size() - 1));  // truncated
  }
  Report("clean (fast path)", clean, seconds, only);
  Report("dirty (slow path)", dirty, seconds, only);
  Report("truncated (not JSON)", not_json, seconds, only);
  return 0;
}
