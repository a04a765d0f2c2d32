#include "service/run_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "base/error.h"
#include "base/log.h"
#include "base/strings.h"
#include "format/value_cleaning.h"
#include "pipeline/export_run.h"

namespace bx {
namespace {

std::string Seconds(Micros d) {
  return fmt::format("{:g} s", static_cast<double>(d) / kMicrosPerSecond);
}

// "Exported 1,204 rows (1.1 MiB) in 3 files to /data/out/prefix/": where a user finds them.
std::string ExportedLine(const RunResult& r) {
  if (r.rows == 0 && r.files.empty()) return "No rows in this interval; nothing written";
  if (r.files.empty()) {
    return fmt::format("Exported {} rows ({}) to {}", FormatCount(r.rows), FormatBytes(r.bytes),
                       r.location);
  }
  return fmt::format("Exported {} rows ({}) in {} file{} to {}", FormatCount(r.rows),
                     FormatBytes(r.bytes), r.files.size(), r.files.size() == 1 ? "" : "s",
                     r.location);
}

}  // namespace

Micros RunExecutor::Backoff(const RetryPolicy& retry, uint32_t attempts) {
  Micros wait = retry.initial_backoff;
  for (uint32_t i = 1; i < attempts && wait < retry.max_backoff; ++i) wait *= 2;
  return std::min(wait, retry.max_backoff);
}

void RunExecutor::Log(const std::string& run_id, const char* level, const std::string& message) {
  store_.AppendLog(run_id, LogLine{clock_.Now(), level, message});
}

AttemptReport RunExecutor::Execute(const StoredRun& claimed, RunControl& control) {
  const RunRecord& run = claimed.run;
  AttemptReport report;
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  Log(run.id, "info",
      fmt::format("Attempt {} of {}: exporting {} to {}", run.attempts, retry_.max_attempts,
                  FormatIso(run.interval.start), FormatIso(run.interval.end)));

  // The server log's line per transition: "run <id> of export '<name>' (<export id>) ...".
  std::string who = fmt::format("run {} of export {}", run.id, run.export_id);
  const std::string span = FormatIso(run.interval.start) + " .. " + FormatIso(run.interval.end);
  RunOutcome outcome;
  std::string failure;
  try {
    auto stored = store_.GetExport(run.export_id);
    if (!stored) throw Error(ErrorKind::kNonRetryable, "NotFound", "the export was deleted");
    nlohmann::json config = stored->config;
    config["id"] = stored->id;
    const ExportDefinition def = ParseExportDefinition(config);
    who = fmt::format("run {} of export '{}' ({})", run.id, def.name, run.export_id);
    spdlog::info("{} started: {}, attempt {} of {}", who, span, run.attempts, retry_.max_attempts);
    std::unique_ptr<Destination> destination = destinations_(def);
    destination->SetCancel(&control.stop);
    const RunResult result = ExportInterval(def, run.interval, source_, *destination, &control.stop,
                                            fmt::format("{}-{}", run.id, claimed.fencing_token));
    for (const std::string& w : result.warnings) Log(run.id, "warn", w);
    if (result.duplicates_dropped > 0) {
      Log(run.id, "info",
          fmt::format("Dropped {} duplicate rows", FormatCount(result.duplicates_dropped)));
    }
    if (result.repaired_values > 0) {
      Log(run.id, "warn",
          fmt::format("{} {}", FormatCount(result.repaired_values), kRepairedValuesMeaning));
    }
    Log(run.id, "info", ExportedLine(result));
    spdlog::info("{} completed: {}, {} rows, {} to {} in {:.2f} s", who, span,
                 FormatCount(result.rows), FormatBytes(result.bytes),
                 result.location.empty() ? "nowhere" : result.location, elapsed());
    outcome.status = RunStatus::kCompleted;
    outcome.records_completed = result.rows;
    outcome.bytes_exported = result.bytes;
    report.rows = result.rows;
    report.bytes = result.bytes;
  } catch (const Error& e) {
    const RunControl::Reason reason = control.reason.load();
    if (reason == RunControl::Reason::kShutdown) {
      const bool released = store_.ReleaseRun(run.id, claimed.fencing_token, clock_.Now());
      if (released) Log(run.id, "warn", "Interrupted by shutdown; the run will be retried");
      spdlog::info("{} handed back at shutdown: {}; it will be retried", who, span);
      report.status = RunStatus::kStarting;
      report.recorded = released;
      return report;
    }
    if (reason != RunControl::Reason::kNone) {
      // Cancelled or taken over: the store already says what happened to the run.
      const char* why = reason == RunControl::Reason::kCancelled
                            ? "Cancelled"
                            : "Stopped: this worker lost the run's lease and another worker took "
                              "it over";
      Log(run.id, "warn", why);
      spdlog::info("{} stopped: {}: {}", who, span, why);
      report.status = RunStatus::kCancelled;
      return report;
    }
    failure = e.Describe();
    const bool again = e.retryable() && run.attempts < retry_.max_attempts;
    outcome.status = again ? RunStatus::kFailedRetryable : RunStatus::kFailed;
    if (again) outcome.next_attempt_at = clock_.Now() + Backoff(retry_, run.attempts);
  } catch (const std::exception& e) {
    failure = std::string("InternalError: ") + e.what();
    outcome.status = RunStatus::kFailed;
  }

  outcome.latest_error = failure;
  outcome.finished_at = clock_.Now();
  outcome.seconds = elapsed();
  report.seconds = outcome.seconds;
  report.status = outcome.status;
  if (outcome.status == RunStatus::kFailedRetryable) {
    // The wait as planned (finished_at is read a moment after next_attempt_at was set).
    const std::string retry = Seconds(Backoff(retry_, run.attempts));
    Log(run.id, "warn",
        fmt::format("Attempt {} failed: {}; retrying in {}", run.attempts, failure, retry));
    spdlog::info("{} attempt {} failed: {}: {}; retry scheduled in {}", who, run.attempts, span,
                 failure, retry);
  } else if (outcome.status == RunStatus::kFailed) {
    Log(run.id, "error",
        fmt::format("Failed after {} attempt{}: {}", run.attempts, run.attempts == 1 ? "" : "s",
                    failure));
    spdlog::info("{} failed: {}, after {} attempt{}: {}", who, span, run.attempts,
                 run.attempts == 1 ? "" : "s", failure);
  }
  report.recorded = store_.FinishRun(run.id, claimed.fencing_token, outcome);
  if (!report.recorded) {
    Log(run.id, "warn", "The attempt's result was discarded: the run was cancelled or taken over");
    return report;
  }
  if (outcome.status == RunStatus::kFailed) MaybeAutoPause(run);
  return report;
}

void RunExecutor::MaybeAutoPause(const RunRecord& run) {
  if (auto_pause_.window == 0 || auto_pause_.failed_runs == 0) return;
  const auto recent = store_.RecentFinishedStatuses(run.export_id, auto_pause_.window);
  const auto failed =
      static_cast<uint32_t>(std::count(recent.begin(), recent.end(), RunStatus::kFailed));
  if (failed < auto_pause_.failed_runs) return;
  auto stored = store_.GetExport(run.export_id);
  if (!stored || stored->paused) return;
  store_.SetPaused(run.export_id, true, clock_.Now());
  const std::string why = fmt::format(
      "Paused the export: {} of its last {} finished runs failed (latest: {}). Fix the cause, "
      "then unpause it (with backfill to export the paused span)",
      failed, recent.size(), run.id);
  Log(run.id, "error", why);
  spdlog::warn("export {}: {}", run.export_id, why);
}

}  // namespace bx
