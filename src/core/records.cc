#include "core/records.h"

#include <array>

namespace bx {
namespace {

constexpr std::array<std::string_view, 6> kRunStatusNames = {
    "Starting", "Running", "Completed", "Failed", "FailedRetryable", "Cancelled"};
constexpr std::array<std::string_view, 4> kBackfillStatusNames = {"Running", "Completed", "Failed",
                                                                  "Cancelled"};

}  // namespace

std::string_view RunStatusName(RunStatus s) { return kRunStatusNames[static_cast<size_t>(s)]; }

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (size_t i = 0; i < kRunStatusNames.size(); ++i) {
    if (kRunStatusNames[i] == name) return static_cast<RunStatus>(i);
  }
  return std::nullopt;
}

std::string_view BackfillStatusName(BackfillStatus s) {
  return kBackfillStatusNames[static_cast<size_t>(s)];
}

std::optional<BackfillStatus> ParseBackfillStatus(std::string_view name) {
  for (size_t i = 0; i < kBackfillStatusNames.size(); ++i) {
    if (kBackfillStatusNames[i] == name) return static_cast<BackfillStatus>(i);
  }
  return std::nullopt;
}

}  // namespace bx
