#include "sink/s3/pending_uploads.h"

#include "base/error.h"
#include "base/log.h"

namespace bx::s3 {

PendingUploads::PendingUploads(S3Client& client, HttpHeaders object_headers, size_t hold_budget)
    : client_(client), object_headers_(std::move(object_headers)), hold_budget_(hold_budget) {}

PendingUploads::~PendingUploads() { AbortAll(); }

bool PendingUploads::Hold(size_t bytes) {
  std::lock_guard lock(mu_);
  if (held_ + bytes > hold_budget_) return false;
  held_ += bytes;
  return true;
}

void PendingUploads::AddBody(const std::string& key, std::string body) {
  std::lock_guard lock(mu_);
  pending_[key] = Pending{std::move(body), "", {}, ""};
}

void PendingUploads::AddMultipart(const std::string& key, std::string upload_id,
                                  std::vector<ObjectPart> parts, std::string expected_etag) {
  std::lock_guard lock(mu_);
  pending_[key] = Pending{"", std::move(upload_id), std::move(parts), std::move(expected_etag)};
}

void PendingUploads::Complete(const std::string& key) {
  Pending p;
  {
    std::lock_guard lock(mu_);
    const auto it = pending_.find(key);
    if (it == pending_.end()) {
      throw Error(ErrorKind::kInternal, "InternalError", "no finished upload of '" + key + "'");
    }
    p = std::move(it->second);
    pending_.erase(it);
  }
  try {
    if (p.upload_id.empty()) {
      client_.PutObject(key, p.body, object_headers_);
    } else {
      client_.CompleteMultipartUpload(key, p.upload_id, p.parts, p.expected_etag);
    }
  } catch (...) {
    std::lock_guard lock(mu_);
    pending_[key] = std::move(p);  // for AbortAll
    throw;
  }
  std::lock_guard lock(mu_);
  held_ -= p.body.size();
}

void PendingUploads::AbortAll() noexcept {
  std::map<std::string, Pending> pending;
  {
    std::lock_guard lock(mu_);
    pending.swap(pending_);
    held_ = 0;
  }
  for (const auto& [key, p] : pending) {
    if (p.upload_id.empty()) continue;
    try {
      client_.AbortMultipartUpload(key, p.upload_id);
    } catch (const std::exception& e) {
      spdlog::warn(
          "could not abort the multipart upload of s3://{}/{} ({}); the next run of the "
          "interval, or a bucket lifecycle rule for incomplete multipart uploads, removes it",
          client_.bucket(), key, e.what());
    }
  }
}

}  // namespace bx::s3
