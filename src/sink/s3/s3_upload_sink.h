#pragma once
// One object upload. Below one part it is a single PUT at Finish(); from the first full part on
// it is a multipart upload with up to `parts_in_flight` parts uploading while the next fills,
// so memory stays within (parts_in_flight + 1) × part size. The object appears only when
// CompleteMultipartUpload succeeds after every part did; any failure or Abort() aborts the
// upload, leaving nothing behind. With `pending` (a staged interval's), Finish() makes nothing
// visible: it hands the held body or the open multipart upload to `pending`, which completes
// it when the interval is published.

#include <deque>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "io/byte_sink.h"
#include "sink/s3/pending_uploads.h"
#include "sink/s3/s3_client.h"

namespace bx::s3 {

inline constexpr size_t kMinPartSize = 5u << 20;  // S3's minimum for every part but the last
inline constexpr int kMaxParts = 10'000;

struct UploadOptions {
  size_t part_size = 8u << 20;
  size_t parts_in_flight = 4;
  HttpHeaders object_headers;  // SSE headers for PutObject / CreateMultipartUpload
};

// The part size for objects expected to reach `expected_bytes`: `configured`, raised (in whole
// MiB) so that an object 25% over the expectation still needs at most 10,000 equal parts.
size_t ChoosePartSize(size_t configured, std::optional<uint64_t> expected_bytes);

// The size of part `number` (from 1): equal parts up to part 9,000 (R2 requires equal parts);
// an object that outgrows its expected size gets parts doubling every 250 parts after that, so
// that it still fits into 10,000 parts on S3.
size_t PartSizeFor(int number, size_t base_part_size);

class S3UploadSink : public ByteSink {
 public:
  S3UploadSink(S3Client& client, std::string key, UploadOptions options,
               PendingUploads* pending = nullptr);
  ~S3UploadSink() override;

  void Append(std::string_view bytes) override;
  void Finish() override;
  void Abort() noexcept override;
  uint64_t BytesWritten() const override { return written_; }

 private:
  struct PartResult {
    std::string etag;
    std::string md5_hex;
  };
  void SubmitPart();
  void WaitForOldestPart();

  S3Client& client_;
  std::string key_;
  UploadOptions options_;
  PendingUploads* pending_;
  std::string buffer_;
  size_t current_part_size_;
  uint64_t written_ = 0;
  std::string upload_id_;
  int next_part_ = 1;
  std::deque<std::pair<int, std::future<PartResult>>> in_flight_;
  std::vector<ObjectPart> parts_;
  std::vector<std::string> part_md5s_;
  bool done_ = false;
};

}  // namespace bx::s3
