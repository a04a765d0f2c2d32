#pragma once
// What the table destinations' end-to-end tests share: the day they export, their export
// definitions, running a list of its hours in order, the directory of a CTest fixture (a fake's
// files) and the variables of the live tiers.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/export_run.h"
#include "sink/all/destinations.h"
#include "source/embedded/event_store.h"

namespace bx::testing {

constexpr Micros kHour = 3600 * kMicrosPerSecond;
constexpr Micros kDay0 = 1705276800LL * kMicrosPerSecond;  // 2024-01-15T00:00:00Z

// An environment variable's value, "" when unset.
inline std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The directory a CTest fixture named in `variable` (a test failure when it is not set).
inline std::filesystem::path FixtureDir(const char* variable, const char* fixture) {
  const std::string dir = Env(variable);
  if (dir.empty()) {
    ADD_FAILURE() << variable << " is not set: run through ctest (fixture " << fixture << ")";
  }
  return dir;
}

inline ExportDefinition WarehouseExport(const std::string& type, const std::string& model,
                                        const nlohmann::json& config,
                                        const std::string& interval = "hour") {
  return ParseValidExport({{"name", type + " " + model},
                           {"model", model},
                           {"interval", interval},
                           {"destination", {{"type", type}, {"config", config}}}});
}

// Exports the intervals (of the definition's length) starting at these hours of kDay0, in this
// order, from `store`; throws the first failure.
inline void RunHours(const ExportDefinition& def, const std::filesystem::path& store,
                     const std::vector<int>& hours) {
  EmbeddedSource source(store);
  auto destination = MakeDestination(def);
  const Micros step = def.interval == IntervalKind::kDay ? 24 * kHour : kHour;
  for (int h : hours) {
    ExportInterval(def, {kDay0 + h * kHour, kDay0 + h * kHour + step}, source, *destination);
  }
}

inline std::vector<int> AllHours() {
  std::vector<int> hours;
  for (int h = 0; h < 24; ++h) hours.push_back(h);
  return hours;
}

}  // namespace bx::testing
