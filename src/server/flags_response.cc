#include "server/flags_response.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace bx {

std::string NoFlagsBody(bool decide, std::string_view version, bool config,
                        const std::string& request_id) {
  using nlohmann::json;
  int v = 0;
  std::from_chars(version.data(), version.data() + version.size(), v);
  json body = json::object();
  if (decide && v < 2) {
    body["featureFlags"] = json::array();
  } else {
    body["featureFlags"] = json::object();
    body["featureFlagPayloads"] = json::object();
    body["flags"] = json::object();
  }
  body["errorsWhileComputingFlags"] = false;
  body["requestId"] = request_id;
  if (decide || config) {
    body["config"] = {{"enable_collect_everything", true}};
    body["isAuthenticated"] = false;
    body["toolbarParams"] = json::object();
    body["supportedCompression"] = {"gzip", "gzip-js"};
    body["sessionRecording"] = false;
    body["capturePerformance"] = false;
    body["autocapture_opt_out"] = false;
    body["autocaptureExceptions"] = false;
    body["heatmaps"] = false;
    body["surveys"] = false;
    body["siteApps"] = json::array();
  }
  return body.dump();
}

}  // namespace bx
