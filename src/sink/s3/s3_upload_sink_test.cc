// S3UploadSink's multipart upload with several parts in flight, against a local fake S3
// endpoint: the object is completed from every part in order while parts upload concurrently (up
// to parts_in_flight), and a part that fails aborts the upload without completing it. These run
// threads on both sides, so they are part of the ThreadSanitizer stage (./run test-tsan).

#include "sink/s3/s3_upload_sink.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>

#include "base/error.h"
#include "sink/s3/s3_client.h"

namespace bx::s3 {
namespace {

// Multipart uploads as S3 does them, enough for one object; part `fail_part` answers 403.
class FakeS3 {
 public:
  explicit FakeS3(int fail_part = 0) : fail_part_(fail_part) {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      if (req.has_param("uploads")) {
        res.set_content(
            "<InitiateMultipartUploadResult><UploadId>u-1</UploadId>"
            "</InitiateMultipartUploadResult>",
            "application/xml");
        return;
      }
      // CompleteMultipartUpload: the parts it names, in order.
      const std::regex part("<PartNumber>([0-9]+)</PartNumber>");
      completed_.clear();
      for (std::sregex_iterator it(req.body.begin(), req.body.end(), part), end; it != end; ++it) {
        completed_ += parts_.at(std::stoi((*it)[1]));
      }
      ++completes_;
      res.set_content(
          "<CompleteMultipartUploadResult><ETag>\"x-1\"</ETag>"
          "</CompleteMultipartUploadResult>",
          "application/xml");
    });
    server_.Put(".*", [this](const httplib::Request& req, httplib::Response& res) {
      const int number = std::stoi(req.get_param_value("partNumber"));
      const int now = ++in_flight_;
      {
        std::lock_guard lock(mu_);
        max_in_flight_ = std::max(max_in_flight_, now);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(30));  // parts overlap
      --in_flight_;
      if (number == fail_part_) {
        res.status = 403;
        res.set_content("<Error><Code>AccessDenied</Code><Message>no</Message></Error>",
                        "application/xml");
        return;
      }
      std::lock_guard lock(mu_);
      parts_[number] = req.body;
      res.set_header("ETag", "\"etag-" + std::to_string(number) + "\"");
    });
    server_.Delete(".*", [this](const httplib::Request&, httplib::Response& res) {
      ++aborts_;
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeS3() {
    server_.stop();
    thread_.join();
  }

  S3ClientOptions Options() const {
    S3ClientOptions o;
    o.endpoint_url = "http://127.0.0.1:" + std::to_string(port_);
    o.bucket = "bucket";
    o.credentials = {"AKIDEXAMPLE", "secret", ""};
    o.retry.max_attempts = 1;
    return o;
  }
  std::string completed() {
    std::lock_guard lock(mu_);
    return completed_;
  }
  int max_in_flight() {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }
  int completes() const { return completes_; }
  int aborts() const { return aborts_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int fail_part_;
  std::mutex mu_;
  std::map<int, std::string> parts_;
  std::string completed_;
  int max_in_flight_ = 0;
  std::atomic<int> in_flight_{0};
  std::atomic<int> completes_{0};
  std::atomic<int> aborts_{0};
};

std::string Data(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
  return s;
}

TEST(S3UploadSink, PartsUploadConcurrentlyAndCompleteInOrder) {
  FakeS3 s3;
  S3Client client(s3.Options());
  UploadOptions options;
  options.part_size = 64 << 10;  // below S3's minimum: the fake does not care
  options.parts_in_flight = 3;
  const std::string data = Data(10 * (64 << 10) + 1234);  // 10 full parts and a short one
  S3UploadSink sink(client, "k/object", options);
  for (size_t at = 0; at < data.size(); at += 10000) sink.Append(data.substr(at, 10000));
  sink.Finish();
  EXPECT_EQ(s3.completes(), 1);
  EXPECT_EQ(s3.aborts(), 0);
  EXPECT_TRUE(s3.completed() == data) << s3.completed().size() << " bytes completed";
  EXPECT_GE(s3.max_in_flight(), 2);
  EXPECT_LE(s3.max_in_flight(), 3);
}

TEST(S3UploadSink, AFailedPartAbortsTheUploadAndNothingIsCompleted) {
  FakeS3 s3(/*fail_part=*/4);
  S3Client client(s3.Options());
  UploadOptions options;
  options.part_size = 64 << 10;
  options.parts_in_flight = 3;
  const std::string data = Data(8 * (64 << 10));
  S3UploadSink sink(client, "k/object", options);
  try {
    for (size_t at = 0; at < data.size(); at += 10000) sink.Append(data.substr(at, 10000));
    sink.Finish();
    FAIL() << "the upload completed despite a failed part";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "AccessDenied") << e.what();
  }
  EXPECT_EQ(s3.completes(), 0);
  EXPECT_EQ(s3.aborts(), 1);
}

}  // namespace
}  // namespace bx::s3
