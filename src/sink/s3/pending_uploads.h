#pragma once
// The objects of a staged interval whose bytes are uploaded but which are not visible yet: a
// body held for one PUT (small objects, within a memory budget) or a multipart upload whose
// parts are all uploaded and which is completed only when the interval is published. S3 has no
// rename; an incomplete multipart upload is invisible to every reader, and completing it is
// what makes the object appear.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "sink/s3/s3_client.h"

namespace bx::s3 {

class PendingUploads {
 public:
  // `hold_budget`: bytes of small objects kept in memory for a PUT at Complete; beyond it a
  // finished object is an open multipart upload.
  PendingUploads(S3Client& client, HttpHeaders object_headers, size_t hold_budget);
  ~PendingUploads();

  // Reserves `bytes` of the budget for a body; false when they do not fit.
  bool Hold(size_t bytes);
  void AddBody(const std::string& key, std::string body);
  void AddMultipart(const std::string& key, std::string upload_id, std::vector<ObjectPart> parts,
                    std::string expected_etag);

  // Makes `key` visible (PUT or CompleteMultipartUpload).
  void Complete(const std::string& key);
  // Aborts every multipart upload not completed and drops the held bodies. Never throws.
  void AbortAll() noexcept;

 private:
  struct Pending {
    std::string body;
    std::string upload_id;  // empty: a held body
    std::vector<ObjectPart> parts;
    std::string expected_etag;
  };

  S3Client& client_;
  HttpHeaders object_headers_;
  size_t hold_budget_;
  mutable std::mutex mu_;
  size_t held_ = 0;
  std::map<std::string, Pending> pending_;
};

}  // namespace bx::s3
