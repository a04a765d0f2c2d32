// Load generator for the capture endpoint: N keep-alive connections post /batch requests of
// --batch events each to a running `batch-export serve` for --seconds, then print events/s
// accepted and request latencies.
//
//   capture_load --url http://127.0.0.1:8000 --connections 4 --batch 100 --seconds 10
//                [--person-events PERCENT]   (identify and $set events among them)

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string url = "http://127.0.0.1:8000";
  int connections = 4;
  int batch = 100;
  double seconds = 10;
  int person_percent = 0;
};

// Request `request` of connection `worker`. With `person_percent` > 0, that share of the events
// maintain persons: an $identify merging an anonymous distinct_id (with a $set), or a $set
// event whose value changes with every request, so that each one changes a person.
std::string BatchBody(int worker, int batch, int person_percent, uint64_t request) {
  nlohmann::json events = nlohmann::json::array();
  for (int i = 0; i < batch; ++i) {
    const uint64_t user = (worker * 7919 + request * 13 + i) % 20000;
    nlohmann::json properties = {
        {"$current_url", "https://example.com/pricing?plan=" + std::to_string(i)},
        {"$browser", "Firefox"},
        {"$os", "Linux"},
        {"$screen_width", 1920},
        {"$lib", "web"},
        {"$session_id", "0190f6a0-0000-7000-8000-00000000" + std::to_string(1000 + worker)}};
    std::string event = i % 5 == 0 ? "$autocapture" : "$pageview";
    if (i % 100 < person_percent) {
      event = i % 2 == 0 ? "$identify" : "$set";
      properties["$set"] = {{"plan", "p" + std::to_string(request)}};
      if (i % 2 == 0) properties["$anon_distinct_id"] = "anon-" + std::to_string(user);
    }
    events.push_back({{"event", event},
                      {"distinct_id", "user-" + std::to_string(user)},
                      {"timestamp", "2024-01-15T10:00:00.123Z"},
                      {"properties", std::move(properties)}});
  }
  return nlohmann::json{{"api_key", "phc_bench"}, {"batch", events}}.dump();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--url")
      o.url = value;
    else if (flag == "--connections")
      o.connections = std::stoi(value);
    else if (flag == "--batch")
      o.batch = std::stoi(value);
    else if (flag == "--seconds")
      o.seconds = std::stod(value);
    else if (flag == "--person-events")
      o.person_percent = std::clamp(std::stoi(value), 0, 100);
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }

  std::atomic<uint64_t> accepted{0}, requests{0}, failures{0};
  std::vector<std::vector<double>> latencies(o.connections);
  const auto end = Clock::now() + std::chrono::duration<double>(o.seconds);
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < o.connections; ++w) {
    threads.emplace_back([&, w] {
      httplib::Client client(o.url);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(30, 0);
      for (uint64_t request = 0; Clock::now() < end; ++request) {
        const std::string body = BatchBody(w, o.batch, o.person_percent, request);
        const auto t0 = Clock::now();
        auto r = client.Post("/batch", body, "application/json");
        latencies[w].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        ++requests;
        if (!r || r->status != 200) {
          ++failures;
          continue;
        }
        accepted += nlohmann::json::parse(r->body)["accepted"].get<uint64_t>();
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[static_cast<size_t>(p * (all.size() - 1))];
  };
  std::printf(
      "capture /batch: %d connections, %d events a request, %.1f s\n"
      "  %.0f events/s accepted, %.0f requests/s, %llu failed requests\n"
      "  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
      o.connections, o.batch, elapsed, accepted / elapsed, requests / elapsed,
      static_cast<unsigned long long>(failures.load()), pct(0.5), pct(0.9), pct(0.99),
      all.empty() ? 0.0 : all.back());
  return failures.load() == 0 ? 0 : 1;
}
