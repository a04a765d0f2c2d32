// Server-side encryption of an AwsS3 export (the reference product's name for S3) as the S3
// server sees it: the encryption and kms_key_id fields become x-amz-server-side-encryption
// headers on every object the export writes, and SigV4 signs them. Ceph RGW (the e2e tests'
// server) applies aws:kms but takes AES256 without applying it, so AES256 is shown here.

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "base/error.h"
#include "sink/destination_registry.h"
#include "sink/s3/s3_destination.h"

namespace bx::s3 {
namespace {

struct SeenPut {
  std::string path;
  httplib::Headers headers;
};

// An S3 endpoint that lists an empty bucket and takes every PUT and DELETE, keeping the PUTs.
class RecordingEndpoint {
 public:
  RecordingEndpoint() {
    server_.Get(".*", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(
          "<?xml version=\"1.0\"?><ListBucketResult><KeyCount>0</KeyCount>"
          "<IsTruncated>false</IsTruncated></ListBucketResult>",
          "application/xml");
    });
    server_.Put(".*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      puts_.push_back({req.path, req.headers});
      res.set_header("ETag", "\"0123456789abcdef0123456789abcdef\"");
    });
    server_.Delete(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~RecordingEndpoint() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenPut> puts() const {
    std::lock_guard lock(mu_);
    return puts_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<SeenPut> puts_;
};

// The names SigV4 signed, from the Authorization header.
std::string SignedHeaders(const httplib::Headers& headers) {
  const auto it = headers.find("Authorization");
  if (it == headers.end()) return "";
  const std::string& auth = it->second;
  const size_t at = auth.find("SignedHeaders=");
  if (at == std::string::npos) return "";
  const size_t start = at + 14;
  return auth.substr(start, auth.find(',', start) - start);
}

std::string Header(const httplib::Headers& headers, const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

// The AwsS3 destination of `config`, pointed at `endpoint` (the SDKs' AWS_ENDPOINT_URL_S3).
std::unique_ptr<Destination> AwsS3(const RecordingEndpoint& endpoint, nlohmann::json config) {
  ::setenv("AWS_ENDPOINT_URL_S3", endpoint.url().c_str(), 1);
  DestinationRegistry registry;
  RegisterS3Destinations(registry);
  auto destination = registry.Get("AwsS3").make(config);
  ::unsetenv("AWS_ENDPOINT_URL_S3");
  return destination;
}

const nlohmann::json kConfig = {{"bucket_name", "my-bucket"},
                                {"region", "us-east-1"},
                                {"prefix", "events/"},
                                {"aws_access_key_id", "AKIDEXAMPLE"},
                                {"aws_secret_access_key", "secret"}};

TEST(S3ServerSideEncryption, AwsS3SendsAndSignsAes256) {
  RecordingEndpoint endpoint;
  nlohmann::json config = kConfig;
  config["encryption"] = "AES256";
  AwsS3(endpoint, config)->Check();  // lists, writes a probe object and deletes it
  const auto puts = endpoint.puts();
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(puts[0].path.rfind("/my-bucket/events/.batch-export-check-", 0), 0u) << puts[0].path;
  EXPECT_EQ(Header(puts[0].headers, "x-amz-server-side-encryption"), "AES256");
  EXPECT_EQ(Header(puts[0].headers, "x-amz-server-side-encryption-aws-kms-key-id"), "");
  const std::string signed_headers = SignedHeaders(puts[0].headers);
  EXPECT_NE(signed_headers.find("x-amz-server-side-encryption"), std::string::npos)
      << signed_headers;
}

TEST(S3ServerSideEncryption, AwsS3SendsAndSignsKmsWithItsKey) {
  RecordingEndpoint endpoint;
  nlohmann::json config = kConfig;
  config["encryption"] = "aws:kms";
  config["kms_key_id"] = "alias/exports";
  AwsS3(endpoint, config)->Check();
  const auto puts = endpoint.puts();
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(Header(puts[0].headers, "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(Header(puts[0].headers, "x-amz-server-side-encryption-aws-kms-key-id"),
            "alias/exports");
  const std::string signed_headers = SignedHeaders(puts[0].headers);
  EXPECT_NE(signed_headers.find("x-amz-server-side-encryption;"), std::string::npos)
      << signed_headers;
  EXPECT_NE(signed_headers.find("x-amz-server-side-encryption-aws-kms-key-id"), std::string::npos)
      << signed_headers;
}

TEST(S3ServerSideEncryption, WithoutEncryptionNoHeaderIsSent) {
  RecordingEndpoint endpoint;
  AwsS3(endpoint, kConfig)->Check();
  const auto puts = endpoint.puts();
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(Header(puts[0].headers, "x-amz-server-side-encryption"), "");
  EXPECT_EQ(SignedHeaders(puts[0].headers).find("server-side"), std::string::npos);
}

TEST(S3ServerSideEncryption, AwsS3RefusesWhatS3Refuses) {
  DestinationRegistry registry;
  RegisterS3Destinations(registry);
  nlohmann::json config = kConfig;
  config["encryption"] = "AES128";
  EXPECT_THROW(registry.Get("AwsS3").validate(config), Error);
  config["encryption"] = "AES256";
  config["kms_key_id"] = "k";  // only with aws:kms
  EXPECT_THROW(registry.Get("AwsS3").validate(config), Error);
  config.erase("kms_key_id");
  EXPECT_NO_THROW(registry.Get("AwsS3").validate(config));
}

}  // namespace
}  // namespace bx::s3
