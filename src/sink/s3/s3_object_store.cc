#include "sink/s3/s3_object_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/error.h"
#include "base/log.h"
#include "base/random_id.h"
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

// One interval's objects in a bucket: each finished object is a body held for one PUT or a
// multipart upload left open (invisible), made visible only by Publish.
class S3StagedObjects : public StagedObjects {
 public:
  S3StagedObjects(S3Client& client, const UploadOptions& upload, const std::string& prefix,
                  std::string base_name)
      : client_(client),
        upload_(upload),
        dir_(prefix.empty() ? "" : prefix + "/"),
        base_(std::move(base_name)),
        pending_(client, upload.object_headers, upload.part_size) {}
  ~S3StagedObjects() override { Discard(); }

  std::unique_ptr<ByteSink> Open(const std::string& key) override {
    ValidateObjectKey(key);
    return std::make_unique<S3UploadSink>(client_, key, upload_, &pending_);
  }

  void Publish(const std::vector<std::string>& files, const std::string& manifest,
               bool with_manifest) override {
    // The interval's objects before this attempt: an earlier attempt's.
    std::vector<std::string> existing;
    for (const std::string& key : client_.ListAllKeys(dir_ + base_)) {
      if (InIntervalDirectory(key)) existing.push_back(key);
    }
    if (std::find(existing.begin(), existing.end(), manifest) != existing.end()) {
      client_.DeleteObject(manifest);
    }
    for (const std::string& key : files) pending_.Complete(key);
    if (with_manifest) pending_.Complete(manifest);
    std::vector<std::string> stale;
    for (const std::string& key : existing) {
      if (key != manifest && std::find(files.begin(), files.end(), key) == files.end()) {
        stale.push_back(key);
      }
    }
    if (!stale.empty()) client_.DeleteObjects(stale);
    AbortLeftUploads();
  }

  void Discard() noexcept override { pending_.AbortAll(); }

 private:
  bool InIntervalDirectory(const std::string& key) const {
    if (key.compare(0, dir_.size(), dir_) != 0) return false;
    const std::string name = key.substr(dir_.size());
    return name.find('/') == std::string::npos && IsIntervalObjectName(name, base_);
  }

  // Multipart uploads of this interval a killed attempt left open: invisible, but stored (and
  // billed) until aborted. Every upload of this attempt is complete by now.
  void AbortLeftUploads() {
    std::vector<MultipartUploadInfo> uploads;
    try {
      uploads = client_.ListMultipartUploads(dir_ + base_);
    } catch (const Error& e) {
      spdlog::warn(
          "cannot list the multipart uploads a killed run may have left under s3://{}/{} ({}); "
          "they are invisible, and a bucket lifecycle rule for incomplete multipart uploads "
          "removes them",
          client_.bucket(), dir_ + base_, e.Describe());
      return;
    }
    for (const MultipartUploadInfo& upload : uploads) {
      if (!InIntervalDirectory(upload.key)) continue;
      try {
        client_.AbortMultipartUpload(upload.key, upload.upload_id);
      } catch (const Error& e) {
        spdlog::warn("cannot abort a multipart upload a killed run left of s3://{}/{}: {}",
                     client_.bucket(), upload.key, e.Describe());
      }
    }
  }

  S3Client& client_;
  const UploadOptions& upload_;
  std::string dir_;
  std::string base_;
  PendingUploads pending_;
};

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

std::unique_ptr<StagedObjects> S3ObjectStore::Stage(const std::string& prefix,
                                                    const std::string& base_name) {
  return std::make_unique<S3StagedObjects>(*client_, upload_, prefix, base_name);
}

std::unique_ptr<ByteSink> S3ObjectStore::OpenObject(const std::string& key) {
  ValidateObjectKey(key);
  return std::make_unique<S3UploadSink>(*client_, key, upload_);
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
