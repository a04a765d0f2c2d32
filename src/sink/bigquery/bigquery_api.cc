#include "sink/bigquery/bigquery_api.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "base/log.h"
#include "base/random_id.h"
#include "base/strings.h"

namespace bx {
namespace {

constexpr size_t kMaxShownBody = 500;

bool IsTransientReason(const std::string& reason) {
  static const char* const kTransient[] = {
      "backendError",     "internalError",        "rateLimitExceeded", "jobBackendError",
      "jobInternalError", "jobRateLimitExceeded", "tableUnavailable",  "timeout"};
  return std::find(std::begin(kTransient), std::end(kTransient), reason) != std::end(kTransient);
}

std::string TypeFor(const std::string& reason, long status) {
  if (IsTransientReason(reason)) return "BigQueryUnavailable";
  if (reason == "accessDenied") return "BigQueryAccessDenied";
  if (reason == "notFound") return "BigQueryNotFound";
  if (reason == "invalid" || reason == "invalidQuery") return "BigQueryInvalid";
  if (reason == "quotaExceeded") return "BigQueryQuotaExceeded";
  if (reason == "duplicate") return "BigQueryDuplicate";
  if (reason == "authError" || status == 401) return "BigQueryAuthFailed";
  if (reason.empty()) {
    if (status == 429 || status >= 500) return "BigQueryUnavailable";
    if (status == 403) return "BigQueryAccessDenied";
    if (status == 404) return "BigQueryNotFound";
    if (status == 400) return "BigQueryInvalid";
  }
  return "BigQueryError";
}

Error Sorted(const std::string& reason, long status, const std::string& message,
             const std::string& what) {
  const std::string type = TypeFor(reason, status);
  const ErrorKind kind =
      type == "BigQueryUnavailable" ? ErrorKind::kRetryable : ErrorKind::kNonRetryable;
  std::string detail = reason.empty() ? "" : "reason " + reason;
  if (status > 0) detail += fmt::format("{}HTTP {}", detail.empty() ? "" : ", ", status);
  return Error(kind, type, fmt::format("{}: {} ({})", what, message, detail));
}

std::string NewBoundary() { return "bx_" + RandomHex(); }

// A 2xx answer's JSON object; anything else (a proxy's HTML page, a cut body) is a retryable
// failure of the call, not a crash.
nlohmann::json JsonAnswer(const HttpResponse& response, const std::string& what) {
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
  if (!json.is_object()) {
    throw Error(ErrorKind::kRetryable, "BigQueryUnavailable",
                fmt::format("{}: an answer HTTP {} that is no JSON object: {}", what,
                            response.status, PrintableText(response.body, 200)));
  }
  return json;
}

// A job resource: an object with its jobReference.jobId and a status object.
nlohmann::json JobAnswer(const HttpResponse& response, const std::string& what) {
  nlohmann::json job = JsonAnswer(response, what);
  const auto& reference = job["jobReference"];
  if (!reference.is_object() || !reference.contains("jobId") || !reference["jobId"].is_string() ||
      !job["status"].is_object()) {
    throw Error(ErrorKind::kRetryable, "BigQueryUnavailable",
                what + ": an answer without the job's jobReference.jobId and status");
  }
  return job;
}

}  // namespace

Error BigQueryResponseError(long status, std::string_view body, const std::string& what) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  std::string reason, message;
  if (json.is_object() && json.contains("error") && json["error"].is_object()) {
    const nlohmann::json& error = json["error"];
    if (error.contains("message") && error["message"].is_string()) message = error["message"];
    if (error.contains("errors") && error["errors"].is_array() && !error["errors"].empty() &&
        error["errors"][0].is_object() && error["errors"][0].contains("reason") &&
        error["errors"][0]["reason"].is_string()) {
      reason = error["errors"][0]["reason"];
    }
  }
  if (message.empty()) {
    message = body.empty() ? "no message" : std::string(body.substr(0, kMaxShownBody));
  }
  return Sorted(reason, status, message, what);
}

Error BigQueryJobError(const nlohmann::json& error_result, const std::string& what) {
  const std::string reason = error_result.value("reason", "");
  return Sorted(reason, 0, error_result.value("message", "the job failed"), what);
}

BigQueryApi::BigQueryApi(const BigQueryConfig& config, RequestRetryPolicy retry)
    : config_(config),
      retry_(retry),
      http_(std::make_unique<HttpClient>(HttpClientOptions{.max_connections = 8})),
      tokens_(std::make_unique<GoogleTokenSource>(config_, *http_)) {}

std::string BigQueryApi::Url(const std::string& path) const {
  return fmt::format("{}/bigquery/v2/projects/{}/{}", config_.api_base_url, config_.project_id,
                     path);
}

std::string BigQueryApi::JobUrl(const std::string& job_id) const {
  std::string url = Url("jobs/" + job_id);
  if (!config_.location.empty()) url += "?location=" + config_.location;
  return url;
}

void BigQueryApi::ThrowIfCancelled() const {
  if (cancel_ && cancel_->load(std::memory_order_relaxed)) throw CancelledError();
}

HttpResponse BigQueryApi::Send(const Call& call) {
  bool refreshed = false;
  for (int attempt = 1;; ++attempt) {
    ThrowIfCancelled();
    std::optional<Error> failure;
    try {
      const std::string token = tokens_->Get(cancel_);
      HttpRequest request;
      request.method = call.method;
      request.url = call.url;
      request.headers = call.headers;
      request.headers.emplace_back("Authorization", "Bearer " + token);
      request.body = call.body;
      request.cancel = cancel_;
      HttpResponse response = http_->Send(request);
      const bool accepted = std::find(call.accepted.begin(), call.accepted.end(),
                                      response.status) != call.accepted.end();
      if ((response.status >= 200 && response.status < 300) || accepted) return response;
      if (response.status == 401 && !refreshed) {
        // An expired or revoked token: one new token, at once.
        tokens_->Invalidate(token);
        refreshed = true;
        --attempt;
        continue;
      }
      failure = BigQueryResponseError(response.status, response.body, call.what);
    } catch (const HttpTransportError& e) {
      if (e.failure() == TransportFailure::kCancelled) throw CancelledError();
      failure = Error(e.failure() == TransportFailure::kBadUrl ? ErrorKind::kNonRetryable
                                                               : ErrorKind::kRetryable,
                      "BigQueryUnavailable", fmt::format("{}: {}", call.what, e.what()));
    } catch (const Error& e) {
      if (!e.retryable()) throw;  // the token endpoint refused the account
      failure = e;
    }
    if (!failure->retryable() || attempt >= retry_.max_attempts) {
      if (!failure->retryable()) throw *failure;
      throw Error(failure->kind(), failure->type(),
                  fmt::format("{} (gave up after {} attempts)", failure->message(), attempt));
    }
    spdlog::debug("BigQuery {}: attempt {} failed ({}), retrying", call.what, attempt,
                  failure->Describe());
    SleepBeforeRetry(retry_, attempt, cancel_);
  }
}

std::optional<nlohmann::json> BigQueryApi::GetTable(const std::string& table_id) {
  const HttpResponse response =
      Send({"tables.get " + table_id,
            "GET",
            Url(fmt::format("datasets/{}/tables/{}", config_.dataset_id, table_id)),
            {},
            {},
            {404}});
  if (response.status == 404) {
    // A missing dataset is the config's fault; a missing table is created.
    const Error error = BigQueryResponseError(404, response.body, "tables.get " + table_id);
    if (error.message().find("Not found: Dataset") != std::string::npos) throw error;
    return std::nullopt;
  }
  return JsonAnswer(response, "tables.get " + table_id);
}

bool BigQueryApi::InsertTable(const nlohmann::json& table) {
  const std::string body = table.dump();
  const std::string id = table["tableReference"]["tableId"];
  const HttpResponse response = Send({"tables.insert " + id,
                                      "POST",
                                      Url(fmt::format("datasets/{}/tables", config_.dataset_id)),
                                      {{"Content-Type", "application/json; charset=UTF-8"}},
                                      body,
                                      {409}});
  return response.status != 409;
}

void BigQueryApi::DeleteTable(const std::string& table_id) {
  Send({"tables.delete " + table_id,
        "DELETE",
        Url(fmt::format("datasets/{}/tables/{}", config_.dataset_id, table_id)),
        {},
        {},
        {404}});
}

nlohmann::json BigQueryApi::InsertJob(const nlohmann::json& job) {
  const std::string id = job["jobReference"]["jobId"];
  const std::string body = job.dump();
  const HttpResponse response = Send({"jobs.insert " + id,
                                      "POST",
                                      Url("jobs"),
                                      {{"Content-Type", "application/json; charset=UTF-8"}},
                                      body,
                                      {409}});
  if (response.status == 409) return GetJob(id);  // an earlier try of this request got there
  return JobAnswer(response, "jobs.insert " + id);
}

nlohmann::json BigQueryApi::InsertLoadJob(const nlohmann::json& job, std::string_view data) {
  const std::string id = job["jobReference"]["jobId"];
  std::string boundary = NewBoundary();
  while (data.find(boundary) != std::string_view::npos) boundary = NewBoundary();
  std::string body;
  body.reserve(data.size() + 512);
  body += "--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n";
  body += job.dump();
  body += "\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\n\r\n";
  body += data;
  body += "\r\n--" + boundary + "--\r\n";
  const HttpResponse response =
      Send({"jobs.insert " + id,
            "POST",
            fmt::format("{}/upload/bigquery/v2/projects/{}/jobs?uploadType=multipart",
                        config_.api_base_url, config_.project_id),
            {{"Content-Type", "multipart/related; boundary=" + boundary}},
            body,
            {409}});
  if (response.status == 409) return GetJob(id);
  return JobAnswer(response, "jobs.insert " + id);
}

BigQueryApi::ResumableLoad BigQueryApi::StartResumableLoad(const nlohmann::json& job) {
  const std::string id = job["jobReference"]["jobId"];
  const std::string body = job.dump();
  const HttpResponse response =
      Send({"jobs.insert " + id + " (resumable)",
            "POST",
            fmt::format("{}/upload/bigquery/v2/projects/{}/jobs?uploadType=resumable",
                        config_.api_base_url, config_.project_id),
            {{"Content-Type", "application/json; charset=UTF-8"},
             {"X-Upload-Content-Type", "application/octet-stream"}},
            body,
            {409}});
  if (response.status == 409) return {"", GetJob(id)};
  const std::optional<std::string> location = response.Header("location");
  if (!location || location->empty()) {
    throw Error(ErrorKind::kRetryable, "BigQueryUnavailable",
                "jobs.insert " + id + " (resumable): no upload session URL in the answer");
  }
  return {*location, std::nullopt};
}

std::optional<nlohmann::json> BigQueryApi::UploadChunk(const std::string& session,
                                                       const std::string& job_id, uint64_t offset,
                                                       std::string_view data,
                                                       std::optional<uint64_t> total) {
  const std::string total_text = total ? std::to_string(*total) : "*";
  const std::string range =
      data.empty() ? fmt::format("bytes */{}", total_text)
                   : fmt::format("bytes {}-{}/{}", offset, offset + data.size() - 1, total_text);
  // A chunk sent again after a lost answer overwrites the same bytes; a last chunk whose job
  // exists already (409) was taken before.
  const HttpResponse response =
      Send({fmt::format("upload of bytes {}..{} for job {}", offset, offset + data.size(), job_id),
            "PUT",
            session,
            {{"Content-Range", range}},
            data,
            {308, 409}});
  if (response.status == 308) return std::nullopt;
  if (response.status == 409) return GetJob(job_id);
  return JobAnswer(response, "upload for job " + job_id);
}

nlohmann::json BigQueryApi::GetJob(const std::string& job_id) {
  return JobAnswer(Send({"jobs.get " + job_id, "GET", JobUrl(job_id), {}, {}, {}}),
                   "jobs.get " + job_id);
}

nlohmann::json BigQueryApi::WaitForJob(nlohmann::json job) {
  const std::string id = job["jobReference"]["jobId"];
  auto delay = std::chrono::milliseconds(50);
  while (job["status"].value("state", "") != "DONE") {
    const auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
      ThrowIfCancelled();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    delay = std::min(delay * 2, std::chrono::milliseconds(2000));
    job = GetJob(id);
  }
  const nlohmann::json& status = job["status"];
  if (status.contains("errorResult") && status["errorResult"].is_object()) {
    throw BigQueryJobError(status["errorResult"], "job " + id);
  }
  return job;
}

}  // namespace bx
