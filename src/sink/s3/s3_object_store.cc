#include "sink/s3/s3_object_store.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "base/error.h"
#include "sink/s3/crypto.h"

namespace bx::s3 {
namespace {

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t j = 1; j < n; ++j) {
      if ((static_cast<unsigned char>(s[i + j]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string RandomHex() {
  std::random_device random;
  std::string out;
  for (int i = 0; i < 4; ++i) out += fmt::format("{:08x}", random());
  return out;
}

}  // namespace

void ValidateObjectKey(const std::string& key) {
  if (key.empty() || key.size() > 1024) {
    throw Error(ErrorKind::kNonRetryable, "InvalidS3Key",
                fmt::format("object keys are 1 to 1024 bytes; this one has {}: shorten the prefix",
                            key.size()));
  }
  if (!IsValidUtf8(key)) {
    throw Error(ErrorKind::kNonRetryable, "InvalidS3Key",
                "object key '" + key + "' is not valid UTF-8: check the prefix");
  }
}

S3ObjectStore::S3ObjectStore(S3StoreOptions options) : options_(std::move(options)) {
  options_.client.http.max_connections =
      std::max(options_.client.http.max_connections, options_.parts_in_flight + 2);
  client_ = std::make_unique<S3Client>(options_.client);
  upload_.part_size = ChoosePartSize(options_.part_size, options_.expected_object_bytes);
  upload_.parts_in_flight = options_.parts_in_flight;
  if (!options_.encryption.empty()) {
    upload_.object_headers.emplace_back("x-amz-server-side-encryption", options_.encryption);
    if (options_.encryption == "aws:kms" && !options_.kms_key_id.empty()) {
      upload_.object_headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id",
                                          options_.kms_key_id);
    }
  }
}

std::unique_ptr<ByteSink> S3ObjectStore::Open(const std::string& key) {
  ValidateObjectKey(key);
  return std::make_unique<S3UploadSink>(*client_, key, upload_);
}

void S3ObjectStore::RemoveStale(const std::string& prefix, const std::string& base_name,
                                const std::vector<std::string>& keep) {
  const std::string dir = prefix.empty() ? "" : prefix + "/";
  std::vector<std::string> stale;
  for (const std::string& key : client_->ListAllKeys(dir + base_name)) {
    const std::string name = key.substr(dir.size());
    if (name.find('/') != std::string::npos || !IsIntervalObjectName(name, base_name)) continue;
    if (std::find(keep.begin(), keep.end(), key) != keep.end()) continue;
    stale.push_back(key);
  }
  if (!stale.empty()) client_->DeleteObjects(stale);
}

std::string S3ObjectStore::Locate(const std::string& key) const {
  return "s3://" + client_->bucket() + "/" + key;
}

void S3ObjectStore::Check() {
  // Listing proves the bucket exists and the credentials and signature are accepted; the probe
  // proves they may write and delete where the exports go.
  client_->ListObjects(options_.check_prefix, std::nullopt, 1);
  const std::string probe = (options_.check_prefix.empty() ? "" : options_.check_prefix + "/") +
                            ".batch-export-check-" + RandomHex();
  S3UploadSink sink(*client_, probe, upload_);
  sink.Append("batch-export check: this object is deleted right after it is written\n");
  sink.Finish();
  client_->DeleteObject(probe);
}

}  // namespace bx::s3
