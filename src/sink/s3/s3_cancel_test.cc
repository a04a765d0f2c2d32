// Cancelling a run stops its S3 calls promptly: between retries (an endpoint that answers
// 503 SlowDown forever) and mid-request (one that never answers), while aborting a multipart
// upload, which is cleanup, still goes through.

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "base/error.h"
#include "sink/s3/s3_client.h"

namespace bx::s3 {
namespace {

using std::chrono::steady_clock;

class FakeEndpoint {
 public:
  explicit FakeEndpoint(httplib::Server::Handler handler) {
    server_.Put(".*", handler);
    server_.Delete(".*", [this](const httplib::Request&, httplib::Response& res) {
      ++deletes_;
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");  // listening from here on
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeEndpoint() {
    server_.stop();
    thread_.join();
  }

  S3ClientOptions Options() const {
    S3ClientOptions o;
    o.endpoint_url = "http://127.0.0.1:" + std::to_string(port_);
    o.bucket = "bucket";
    o.credentials = {"AKIDEXAMPLE", "secret", ""};
    o.retry.max_attempts = 20;
    o.retry.base_delay = std::chrono::milliseconds(2000);  // 20 attempts: minutes of backoff
    o.retry.max_delay = std::chrono::milliseconds(5000);
    return o;
  }
  int deletes() const { return deletes_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> deletes_{0};
};

// Runs `call` with the cancel flag raised after 300 ms; the seconds until it threw Cancelled.
template <typename Call>
double SecondsToCancel(S3Client& client, Call call) {
  std::atomic<bool> cancel{false};
  client.set_cancel(&cancel);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  const auto started = steady_clock::now();
  std::string type;
  try {
    call();
  } catch (const Error& e) {
    type = e.type();
  }
  const double seconds = std::chrono::duration<double>(steady_clock::now() - started).count();
  canceller.join();
  EXPECT_EQ(type, "Cancelled");
  return seconds;
}

TEST(S3Cancel, StopsWaitingBetweenRetries) {
  FakeEndpoint endpoint([](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content("<Error><Code>SlowDown</Code><Message>slow down</Message></Error>",
                    "application/xml");
  });
  S3Client client(endpoint.Options());
  const double seconds = SecondsToCancel(client, [&] { client.PutObject("key", "body"); });
  EXPECT_LT(seconds, 1.5);
}

TEST(S3Cancel, StopsARequestThatGetsNoAnswer) {
  std::atomic<bool> release{false};
  FakeEndpoint endpoint([&](const httplib::Request&, httplib::Response& res) {
    for (int i = 0; i < 200 && !release; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    res.status = 200;
  });
  S3Client client(endpoint.Options());
  const double seconds = SecondsToCancel(client, [&] { client.PutObject("key", "body"); });
  release = true;
  EXPECT_LT(seconds, 2.5);  // curl looks at the flag at least once a second
}

TEST(S3Cancel, AbortingAMultipartUploadIsNotCancelled) {
  FakeEndpoint endpoint([](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  S3Client client(endpoint.Options());
  std::atomic<bool> cancel{true};
  client.set_cancel(&cancel);
  EXPECT_THROW(client.PutObject("key", "body"), Error);
  client.AbortMultipartUpload("key", "upload-1");
  EXPECT_EQ(endpoint.deletes(), 1);
}

}  // namespace
}  // namespace bx::s3
