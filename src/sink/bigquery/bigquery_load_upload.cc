#include "sink/bigquery/bigquery_load_upload.h"

#include <algorithm>

namespace bx {

std::string BigQueryLoadUpload::JobId() const { return job_["jobReference"]["jobId"]; }

BigQueryLoadUpload::BigQueryLoadUpload(BigQueryApi& api, nlohmann::json job, size_t chunk_bytes)
    : api_(api),
      job_(std::move(job)),
      chunk_bytes_(std::max(kUploadChunkUnit, chunk_bytes / kUploadChunkUnit * kUploadChunkUnit)) {
  buffer_.reserve(chunk_bytes_);
}

void BigQueryLoadUpload::Append(std::string_view bytes) {
  written_ += bytes.size();
  while (!bytes.empty()) {
    // A full chunk goes once more bytes follow: the last chunk must carry the total.
    if (buffer_.size() == chunk_bytes_) SendChunk();
    const size_t take = std::min(bytes.size(), chunk_bytes_ - buffer_.size());
    buffer_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
  }
}

void BigQueryLoadUpload::SendChunk() {
  if (!session_) {
    BigQueryApi::ResumableLoad load = api_.StartResumableLoad(job_);
    session_ = std::move(load.session);
    if (load.existing_job) inserted_ = std::move(*load.existing_job);
  }
  // A job with this id exists: an earlier try of this attempt's upload finished.
  if (inserted_.is_null()) api_.UploadChunk(*session_, JobId(), sent_, buffer_, std::nullopt);
  sent_ += buffer_.size();
  buffer_.clear();
}

void BigQueryLoadUpload::Finish() {
  if (!session_) {
    inserted_ = api_.InsertLoadJob(job_, buffer_);
  } else if (inserted_.is_null()) {
    std::optional<nlohmann::json> job =
        api_.UploadChunk(*session_, JobId(), sent_, buffer_, written_);
    if (!job) {
      throw Error(ErrorKind::kRetryable, "BigQueryUnavailable",
                  "the upload's last chunk was taken but BigQuery made no job of it");
    }
    inserted_ = std::move(*job);
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
}

}  // namespace bx
