#include "sink/s3/s3_upload_sink.h"

#include <algorithm>

#include "base/log.h"
#include "sink/s3/crypto.h"

namespace bx::s3 {

size_t ChoosePartSize(size_t configured, std::optional<uint64_t> expected_bytes) {
  size_t part = std::max(configured, kMinPartSize);
  if (expected_bytes) {
    constexpr uint64_t kMiB = 1u << 20;
    const uint64_t needed = (*expected_bytes + *expected_bytes / 4) / kMaxParts + 1;
    part = std::max<uint64_t>(part, (needed + kMiB - 1) / kMiB * kMiB);
  }
  return part;
}

size_t PartSizeFor(int number, size_t base_part_size) {
  constexpr int kEqualParts = 9'000;
  if (number <= kEqualParts) return base_part_size;
  const int doublings = std::min(1 + (number - kEqualParts - 1) / 250, 4);
  return base_part_size << doublings;
}

S3UploadSink::S3UploadSink(S3Client& client, std::string key, UploadOptions options,
                           PendingUploads* pending)
    : client_(client),
      key_(std::move(key)),
      options_(std::move(options)),
      pending_(pending),
      current_part_size_(PartSizeFor(1, options_.part_size)) {
  options_.parts_in_flight = std::max<size_t>(options_.parts_in_flight, 1);
}

S3UploadSink::~S3UploadSink() { Abort(); }

void S3UploadSink::Append(std::string_view bytes) {
  written_ += bytes.size();
  while (!bytes.empty()) {
    if (buffer_.capacity() < current_part_size_) buffer_.reserve(current_part_size_);
    const size_t take = std::min(bytes.size(), current_part_size_ - buffer_.size());
    buffer_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (buffer_.size() == current_part_size_) {
      try {
        SubmitPart();
      } catch (...) {
        Abort();
        throw;
      }
    }
  }
}

void S3UploadSink::SubmitPart() {
  if (next_part_ > kMaxParts) {
    throw Error(ErrorKind::kNonRetryable, "ObjectTooLarge",
                "s3://" + client_.bucket() + "/" + key_ +
                    " would need more than 10,000 parts: set max_file_size_mb");
  }
  if (upload_id_.empty()) upload_id_ = client_.CreateMultipartUpload(key_, options_.object_headers);
  while (in_flight_.size() >= options_.parts_in_flight) WaitForOldestPart();
  const int number = next_part_++;
  auto data = std::make_shared<std::string>(std::move(buffer_));
  buffer_ = std::string();
  current_part_size_ = PartSizeFor(next_part_, options_.part_size);
  in_flight_.emplace_back(number, std::async(std::launch::async, [this, number, data] {
                            PartResult result;
                            const Md5Digest md5 = Md5(*data);
                            result.md5_hex = Hex(md5);
                            result.etag = client_.UploadPart(key_, upload_id_, number, *data, md5);
                            return result;
                          }));
}

void S3UploadSink::WaitForOldestPart() {
  auto [number, future] = std::move(in_flight_.front());
  in_flight_.pop_front();
  PartResult result = future.get();  // rethrows the part's error
  parts_.push_back({number, std::move(result.etag)});
  part_md5s_.push_back(std::move(result.md5_hex));
}

void S3UploadSink::Finish() {
  if (done_) throw Error(ErrorKind::kInternal, "InternalError", "S3 upload finished twice");
  try {
    if (upload_id_.empty() && pending_ && pending_->Hold(buffer_.size())) {
      pending_->AddBody(key_, std::move(buffer_));
    } else if (upload_id_.empty() && !pending_) {
      client_.PutObject(key_, buffer_, options_.object_headers);
    } else {
      // A staged object beyond the memory budget is a multipart upload even below one part.
      if (!buffer_.empty() || next_part_ == 1) SubmitPart();
      while (!in_flight_.empty()) WaitForOldestPart();
      if (pending_) {
        pending_->AddMultipart(key_, upload_id_, parts_, MultipartEtag(part_md5s_));
      } else {
        client_.CompleteMultipartUpload(key_, upload_id_, parts_, MultipartEtag(part_md5s_));
      }
    }
  } catch (...) {
    Abort();
    throw;
  }
  done_ = true;
  buffer_ = std::string();
}

void S3UploadSink::Abort() noexcept {
  if (done_) return;
  done_ = true;
  buffer_ = std::string();
  // Parts still uploading must end before the upload is aborted, or they could recreate it.
  for (auto& [number, future] : in_flight_) {
    try {
      future.get();
    } catch (const std::exception& e) {
      spdlog::debug("S3 part {} of {} ended with an error during abort: {}", number, key_,
                    e.what());
    }
  }
  in_flight_.clear();
  if (upload_id_.empty()) return;
  try {
    client_.AbortMultipartUpload(key_, upload_id_);
  } catch (const std::exception& e) {
    spdlog::warn(
        "could not abort the multipart upload of s3://{}/{} ({}); a bucket lifecycle "
        "rule for incomplete multipart uploads will remove its parts",
        client_.bucket(), key_, e.what());
  }
}

}  // namespace bx::s3
