#include "server/capture_handler.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/log.h"
#include "server/api_error.h"

namespace bx {

CaptureHandler::CaptureHandler(std::filesystem::path event_store, CaptureOptions options,
                               std::function<Micros()> now)
    : store_(std::move(event_store)), options_(options), now_(std::move(now)) {}

ApiResponse CaptureHandler::Handle(std::string_view body) {
  try {
    CaptureBatch batch = ParseCaptureBody(body, now_(), options_);
    store_.Write(batch.rows);
    accepted_ += batch.rows.size();
    rejected_ += batch.rejected.size();

    nlohmann::json rejected = nlohmann::json::array();
    for (const RejectedEvent& r : batch.rejected) {
      rejected.push_back({{"index", r.index}, {"reason", r.reason}});
    }
    nlohmann::json response = {
        {"status", 1}, {"accepted", batch.rows.size()}, {"rejected", std::move(rejected)}};
    int status = 200;
    if (batch.rows.empty() && batch.total > 0) {
      status = 400;
      response["type"] = "InvalidArgument";
      response["detail"] = "no event in the request was accepted";
      response["attr"] = nullptr;
    }
    return {status, response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), ""};
  } catch (const Error& e) {
    HttpError http = ToHttpError(e);
    // A busy store is worth retrying: tell the client so.
    if (e.retryable()) http.status = 503;
    if (http.status >= 500) spdlog::error("capture: {}", e.Describe());
    return {http.status, ErrorBody(http), ""};
  } catch (const std::exception& e) {
    spdlog::error("capture: InternalError: {}", e.what());
    return {500, ErrorBody({500, "InternalError", e.what(), std::nullopt}), ""};
  }
}

void CaptureHandler::AddCounters(ServerCounters& counters) const {
  counters.capture_events_accepted += accepted_.load();
  counters.capture_events_rejected += rejected_.load();
}

bool CaptureHandler::DeletePerson(int64_t team_id, const std::string& person_id) {
  return store_.DeletePerson(team_id, person_id, now_());
}

}  // namespace bx
