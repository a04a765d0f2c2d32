#include "io/http_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

namespace bx {
namespace {

// A local server: /big streams 4 MiB in chunks; /missing answers 404 with a body.
class HttpClientStreaming : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/octet-stream",
                                       [](size_t offset, httplib::DataSink& sink) {
                                         if (offset >= (4u << 20)) {
                                           sink.done();
                                           return true;
                                         }
                                         const std::string chunk(64 << 10, 'x');
                                         return sink.write(chunk.data(), chunk.size());
                                       });
    });
    server_.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("no such thing", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  std::string Url(const char* path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(HttpClientStreaming, HandsA2xxBodyOverChunkByChunk) {
  HttpClient client;
  HttpRequest request;
  request.url = Url("/big");
  size_t bytes = 0, calls = 0;
  request.on_body = [&](std::string_view chunk) {
    bytes += chunk.size();
    ++calls;
    return true;
  };
  const HttpResponse response = client.Send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(bytes, 4u << 20);
  EXPECT_GT(calls, 4u);
}

TEST_F(HttpClientStreaming, KeepsAnotherStatussBodyForItsMessage) {
  HttpClient client;
  HttpRequest request;
  request.url = Url("/missing");
  bool called = false;
  request.on_body = [&](std::string_view) { return called = true; };
  const HttpResponse response = client.Send(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "no such thing");
  EXPECT_FALSE(called);
}

TEST_F(HttpClientStreaming, AConsumerThatStopsEndsTheTransferAsCancelled) {
  HttpClient client;
  HttpRequest request;
  request.url = Url("/big");
  size_t bytes = 0;
  request.on_body = [&](std::string_view chunk) {
    bytes += chunk.size();
    return bytes < (1 << 20);
  };
  try {
    client.Send(request);
    ADD_FAILURE() << "the transfer went on";
  } catch (const HttpTransportError& e) {
    EXPECT_EQ(e.failure(), TransportFailure::kCancelled);
  }
  EXPECT_LT(bytes, 2u << 20);
  // The client is still usable: the next request works.
  request.on_body = nullptr;
  EXPECT_EQ(client.Send(request).body.size(), 4u << 20);
}

}  // namespace
}  // namespace bx
