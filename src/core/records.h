#pragma once
// What the service keeps about exports, runs, backfills and their log lines: plain values shared
// by the state stores (which persist them) and the service (which serves them).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "core/export_definition.h"
#include "core/intervals.h"

namespace bx {

enum class RunStatus { kStarting, kRunning, kCompleted, kFailed, kFailedRetryable, kCancelled };
std::string_view RunStatusName(RunStatus s);  // "Starting", "Running", "Completed", ...
std::optional<RunStatus> ParseRunStatus(std::string_view name);

enum class BackfillStatus { kRunning, kCompleted, kFailed, kCancelled };
std::string_view BackfillStatusName(BackfillStatus s);
std::optional<BackfillStatus> ParseBackfillStatus(std::string_view name);

struct ExportRecord {
  std::string id;  // UUID
  ExportDefinition definition;
  nlohmann::json config;  // the definition as given (secrets included; never rendered raw)
  Micros created_at = 0;
  Micros last_updated_at = 0;
  std::optional<Micros> last_paused_at;
};

struct RunRecord {
  std::string id;
  std::string export_id;
  std::optional<std::string> backfill_id;
  Interval interval;
  RunStatus status = RunStatus::kStarting;
  uint64_t records_completed = 0;
  uint64_t bytes_exported = 0;
  uint32_t attempts = 0;
  std::string latest_error;  // "<Type>: <message>" when failed
  Micros created_at = 0;
  std::optional<Micros> started_at, finished_at, next_attempt_at;
  double last_attempt_seconds = 0;  // how long the latest finished attempt took
};

struct BackfillRecord {
  std::string id;
  std::string export_id;
  Micros start_at = 0, end_at = 0;
  BackfillStatus status = BackfillStatus::kRunning;
  uint64_t total_runs = 0, finished_runs = 0;
  Micros created_at = 0;
  std::optional<Micros> finished_at;
};

struct LogLine {
  Micros at = 0;
  std::string level;  // "info", "warn", "error"
  std::string message;
};

// A log line of one of an export's runs (the export's logs).
struct ExportLogLine {
  std::string run_id;
  LogLine line;
};

// A page of a list, newest first; `next` is an opaque cursor for the following page, `previous`
// one for the page before ("" for the first page; nullopt on the first page or when the list
// does not say), `count` the length of the whole list where the list counts it.
template <typename T>
struct Page {
  std::vector<T> results;
  std::optional<std::string> next;
  std::optional<std::string> previous;
  std::optional<uint64_t> count;
};

struct ListOptions {
  std::optional<std::string> cursor;
  size_t limit = 100;
  size_t offset = 0;               // items skipped after the cursor (the exports list only)
  std::optional<int64_t> team_id;  // only this team's exports (the exports list only)
};

}  // namespace bx
