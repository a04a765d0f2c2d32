#pragma once
// The tests' S3 server (radosgw, started by the `rgw` CTest fixture: scripts/start-rgw <dir>
// auto, BX_RGW_DIR=<dir>; or a server started by hand at BX_TEST_S3_ENDPOINT) and its test
// user's keys.

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sink/s3/s3_client.h"

namespace bx::testing {

constexpr char kRgwKey[] = "TESTACCESSKEY";
constexpr char kRgwSecret[] = "TESTSECRETKEY";

// "" when there is no server: the tests then fail saying so.
inline std::string RgwEndpoint() {
  if (const char* env = std::getenv("BX_TEST_S3_ENDPOINT")) return env;
  const char* dir = std::getenv("BX_RGW_DIR");
  if (!dir) return "";
  std::ifstream in(std::filesystem::path(dir) / "endpoint");
  std::string s((std::istreambuf_iterator<char>(in)), {});
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

inline s3::S3Client RgwClient(const std::string& bucket) {
  s3::S3ClientOptions options;
  options.endpoint_url = RgwEndpoint();
  options.bucket = bucket;
  options.credentials = {kRgwKey, kRgwSecret, ""};
  return s3::S3Client(options);
}

// Creates `bucket` when missing and empties it (a previous run may have left objects).
inline void FreshBucket(const std::string& bucket) {
  s3::S3Client client = RgwClient(bucket);
  client.CreateBucket();
  const auto keys = client.ListAllKeys("");
  if (!keys.empty()) client.DeleteObjects(keys);
}

}  // namespace bx::testing
