#pragma once
// BigQuery's REST API v2 as the destination uses it (https://cloud.google.com/bigquery/docs/
// reference/rest): tables, jobs, and load jobs with a media upload (multipart for a small body,
// resumable in chunks for a large one). Every call carries a service-account token (a 401
// refreshes it once); transient failures (transport, 429, 5xx, the retryable error reasons) are
// retried with backoff within the call. Jobs are inserted under ids the caller derives from
// the run, so a retried insert whose first try reached BigQuery finds that job (409 duplicate)
// instead of loading twice.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "io/http_client.h"
#include "sink/bigquery/bigquery_config.h"
#include "sink/bigquery/google_token.h"
#include "sink/request_retry.h"

namespace bx {

// Google's error response ({"error": {"code", "message", "errors": [{"reason", ...}]}}) or a
// job's errorResult ({"reason", "message"}) as a bx::Error: retryable for transient reasons
// (backendError, internalError, rateLimitExceeded, ...) and statuses (429, 5xx), else not,
// typed by the reason (BigQueryAccessDenied, BigQueryNotFound, BigQueryInvalid,
// BigQueryQuotaExceeded, ...). `what` says which call ("jobs.insert bx_..._load").
Error BigQueryResponseError(long status, std::string_view body, const std::string& what);
Error BigQueryJobError(const nlohmann::json& error_result, const std::string& what);

class BigQueryApi {
 public:
  explicit BigQueryApi(const BigQueryConfig& config, RequestRetryPolicy retry = {});
  // Once `*cancel` is true, calls and waits stop with CancelledError().
  void SetCancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

  // tables.get of the configured dataset's `table_id`; nullopt when it does not exist.
  std::optional<nlohmann::json> GetTable(const std::string& table_id);
  // tables.insert; false when the table exists already.
  bool InsertTable(const nlohmann::json& table);
  // tables.delete; a table that is not there is fine.
  void DeleteTable(const std::string& table_id);

  // jobs.insert of a job without data (a query); a job that exists already is looked up.
  nlohmann::json InsertJob(const nlohmann::json& job);
  // jobs.insert with the data uploaded in one multipart request.
  nlohmann::json InsertLoadJob(const nlohmann::json& job, std::string_view data);
  // Starts a resumable upload of a load job's data: the session's URL, or the job when one
  // with its id exists already (an earlier try of this upload finished).
  struct ResumableLoad {
    std::string session;
    std::optional<nlohmann::json> existing_job;
  };
  ResumableLoad StartResumableLoad(const nlohmann::json& job);
  // Uploads bytes [offset, offset + data.size()) of the session; `total` on the last chunk
  // (the others' sizes are multiples of 256 KiB). The job once the last chunk is in.
  std::optional<nlohmann::json> UploadChunk(const std::string& session, const std::string& job_id,
                                            uint64_t offset, std::string_view data,
                                            std::optional<uint64_t> total);
  nlohmann::json GetJob(const std::string& job_id);
  // Polls until the job is DONE; throws its error (BigQueryJobError) if it failed.
  nlohmann::json WaitForJob(nlohmann::json job);

  const BigQueryConfig& config() const { return config_; }

 private:
  struct Call {
    std::string what;  // for messages: "tables.get events"
    std::string method;
    std::string url;
    HttpHeaders headers;
    std::string_view body;
    // Statuses besides 2xx that are an answer, not an error (404 for tables.get, 308 for a
    // resumable chunk).
    std::vector<long> accepted;
  };
  HttpResponse Send(const Call& call);
  std::string Url(const std::string& path) const;
  std::string JobUrl(const std::string& job_id) const;
  void ThrowIfCancelled() const;

  BigQueryConfig config_;
  RequestRetryPolicy retry_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<GoogleTokenSource> tokens_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace bx
