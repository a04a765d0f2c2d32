#pragma once
// Export bodies as the reference product (PostHog batch exports) sends them, made ours before
// the service validates them, so its payloads and scripts work here:
// - fields it implements and we do not (hogql_query, filters, integration, ...) are removed,
//   each with a warning for the response, when they carry a value;
// - fields it ignores on input (read-only: latest_runs, schema, created_at, ...) are removed
//   silently, as it does; on its team paths so is team_id, which comes from the path;
// - offset_day / offset_hour become our interval_offset (seconds), by its rules.
// Fields neither product knows stay in the body, and the service refuses them (400).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bx {

struct ReferenceRequest {
  // The team of /api/projects/{team_id}/... and /api/environments/{team_id}/...: a create gets
  // it, a patch may not change it.
  std::optional<int64_t> team_id;
  bool patch = false;
  // A patch's export's interval, for offset_day / offset_hour when the patch has none.
  std::function<std::string()> current_interval;
};

// Rewrites `body` (a JSON object) in place; returns the warnings. Throws InvalidArgument
// naming offset_day or offset_hour when they are wrong for the interval.
std::vector<std::string> AcceptReferenceFields(nlohmann::json& body, const ReferenceRequest& r);

}  // namespace bx
