#pragma once
// A load job's data as a ByteSink: bytes are kept until a chunk is full, then sent over a
// resumable upload session (https://cloud.google.com/bigquery/docs/reference/api-uploads);
// data that never fills a chunk goes in one multipart request at Finish. Finish returns when
// BigQuery has the job (not when the job is done: BigQueryApi::WaitForJob).

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "io/byte_sink.h"
#include "sink/bigquery/bigquery_api.h"

namespace bx {

// Chunks other than the last must be multiples of 256 KiB.
inline constexpr size_t kUploadChunkUnit = 256 << 10;

class BigQueryLoadUpload : public ByteSink {
 public:
  // `job`: the load job's resource (jobReference, configuration.load); `api` outlives this.
  BigQueryLoadUpload(BigQueryApi& api, nlohmann::json job,
                     size_t chunk_bytes = 32 * kUploadChunkUnit);

  void Append(std::string_view bytes) override;
  void Finish() override;
  // Nothing to undo: a session never finished loads nothing, and expires.
  void Abort() noexcept override {}
  uint64_t BytesWritten() const override { return written_; }

  // The job BigQuery returned for the upload (after Finish).
  const nlohmann::json& job() const { return inserted_; }

 private:
  void SendChunk();
  std::string JobId() const;

  BigQueryApi& api_;
  nlohmann::json job_, inserted_;
  size_t chunk_bytes_;
  std::string buffer_;
  std::optional<std::string> session_;
  uint64_t sent_ = 0, written_ = 0;
};

}  // namespace bx
