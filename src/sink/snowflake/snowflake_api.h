#pragma once
// Snowflake's SQL API v2 (https://docs.snowflake.com/en/developer-guide/sql-api/reference) as
// the destination uses it: statements submitted asynchronously under a request id, the result
// polled by statement handle. Every submission carries its requestId and retry=true, so a
// request sent again (its answer lost, or refused with 429/5xx) gets the first submission's
// outcome instead of running the statements twice. Several statements go in one
// multi-statement request (one session: temporary tables and a transaction live through it).

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "io/http_client.h"
#include "sink/request_retry.h"
#include "sink/snowflake/snowflake_config.h"
#include "sink/snowflake/snowflake_jwt.h"

namespace bx {

// A request id (a UUID, as the API wants) derived from `seed`: the same seed, the same id.
std::string SnowflakeRequestId(const std::string& seed);

// An answer other than 200/202 as a bx::Error: 429, 5xx and 408 retryable (SnowflakeUnavailable),
// 401 SnowflakeAuthFailed, 403 SnowflakeAccessDenied, 422 SnowflakeSqlError (compilation errors:
// a missing table or column, privileges), each with Snowflake's code and message.
Error SnowflakeResponseError(long status, std::string_view body, const std::string& what);

class SnowflakeApi {
 public:
  explicit SnowflakeApi(const SnowflakeConfig& config, RequestRetryPolicy retry = {});
  void SetCancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

  // Runs `statements` in order in one request named `request_id` and waits for the outcome:
  // the ResultSet (of the last statement for a multi-statement request). `what` names the step
  // for messages ("load of 2024-01-15T00:00:00+00:00").
  nlohmann::json Execute(const std::string& request_id, const std::vector<std::string>& statements,
                         const std::string& what);

 private:
  HttpResponse Send(const std::string& method, const std::string& url, std::string_view body,
                    const std::string& what);
  void ThrowIfCancelled() const;

  SnowflakeConfig config_;
  RequestRetryPolicy retry_;
  std::unique_ptr<HttpClient> http_;
  SnowflakeTokens tokens_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace bx
