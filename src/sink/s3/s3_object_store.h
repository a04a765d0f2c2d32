#pragma once
// The S3 and S3-compatible destinations: keys are object keys in one bucket.

#include <memory>
#include <optional>
#include <string>

#include "sink/object_store.h"
#include "sink/s3/s3_client.h"
#include "sink/s3/s3_upload_sink.h"

namespace bx::s3 {

struct S3StoreOptions {
  S3ClientOptions client;
  std::string encryption;  // "", "AES256" or "aws:kms"
  std::string kms_key_id;  // with aws:kms
  size_t part_size = 8u << 20;
  size_t parts_in_flight = 4;
  // The largest object expected (max_file_size_mb with a margin): sizes the parts so every
  // part but the last is equal and no object needs more than 10,000.
  std::optional<uint64_t> expected_object_bytes;
  // Where Check() writes its probe object: the literal start of the key prefix.
  std::string check_prefix;
};

class S3ObjectStore : public ObjectStore {
 public:
  explicit S3ObjectStore(S3StoreOptions options);

  // An interval's objects: each finished one is held (below one part, within one part's worth
  // of memory per interval) or left an open multipart upload, both invisible, until Publish
  // PUTs or completes them.
  std::unique_ptr<StagedObjects> Stage(const std::string& prefix,
                                       const std::string& base_name) override;
  std::string Locate(const std::string& key) const override;
  void Check() override;
  void SetCancel(const std::atomic<bool>* cancel) override { client_->set_cancel(cancel); }

  // One object outside any interval, visible when its sink is finished (tools).
  std::unique_ptr<ByteSink> OpenObject(const std::string& key);

  S3Client& client() { return *client_; }
  size_t part_size() const { return upload_.part_size; }

 private:
  S3StoreOptions options_;
  std::unique_ptr<S3Client> client_;
  UploadOptions upload_;
};

// Throws InvalidS3Key unless `key` is a key S3 stores as given: 1 to 1024 bytes of valid UTF-8.
void ValidateObjectKey(const std::string& key);

}  // namespace bx::s3
