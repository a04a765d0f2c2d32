#include "testing/fake_batch_export_service.h"

#include <algorithm>

#include "sink/all/destinations.h"

namespace bx::testing {
namespace {

Error NotFound(const std::string& what, const std::string& id) {
  return Error(ErrorKind::kNonRetryable, "NotFound", "no " + what + " '" + id + "'");
}

// Newest first, `limit` at a time; the cursor is the offset of the next page.
template <typename T>
Page<T> PageOf(std::vector<T> items, const ListOptions& options) {
  std::reverse(items.begin(), items.end());
  size_t offset = 0;
  if (options.cursor) {
    const std::string& c = *options.cursor;
    if (c.empty() || c.find_first_not_of("0123456789") != std::string::npos) {
      throw InvalidArgument("cursor", "is not a cursor from a `next` link");
    }
    offset = std::stoul(c);
  }
  offset += options.offset;
  Page<T> page;
  for (size_t i = offset; i < items.size() && page.results.size() < options.limit; ++i) {
    page.results.push_back(items[i]);
  }
  if (offset + page.results.size() < items.size()) {
    page.next = std::to_string(offset + page.results.size());
  }
  if (offset > 0)
    page.previous = offset > options.limit ? std::to_string(offset - options.limit) : "";
  return page;
}

}  // namespace

ExportRecord& FakeBatchExportService::FindExport(const std::string& id) {
  for (ExportRecord& r : exports_) {
    if (r.id == id) return r;
  }
  throw NotFound("batch export", id);
}

ExportRecord FakeBatchExportService::CreateExport(const nlohmann::json& body) {
  std::lock_guard lock(mu_);
  calls_.push_back("CreateExport");
  ExportRecord r;
  r.definition = ParseValidExport(body);
  r.id = "exp-" + std::to_string(next_id_++);
  r.config = body;
  r.created_at = r.last_updated_at = 1'700'000'000'000'000;
  exports_.push_back(r);
  return r;
}

ExportRecord FakeBatchExportService::GetExport(const std::string& id) {
  std::lock_guard lock(mu_);
  calls_.push_back("GetExport");
  return FindExport(id);
}

Page<ExportRecord> FakeBatchExportService::ListExports(const ListOptions& options) {
  std::lock_guard lock(mu_);
  calls_.push_back("ListExports");
  std::vector<ExportRecord> matching;
  for (const ExportRecord& r : exports_) {
    if (!options.team_id || r.definition.team_id == options.team_id) matching.push_back(r);
  }
  Page<ExportRecord> page = PageOf(matching, options);
  page.count = matching.size();
  return page;
}

ExportRecord FakeBatchExportService::UpdateExport(const std::string& id,
                                                  const nlohmann::json& patch) {
  std::lock_guard lock(mu_);
  calls_.push_back("UpdateExport");
  ExportRecord& r = FindExport(id);
  nlohmann::json config = r.config;
  config.merge_patch(patch);
  r.definition = ParseValidExport(config);
  r.config = config;
  return r;
}

void FakeBatchExportService::DeleteExport(const std::string& id) {
  std::lock_guard lock(mu_);
  calls_.push_back("DeleteExport");
  FindExport(id);
  std::erase_if(exports_, [&](const ExportRecord& r) { return r.id == id; });
}

ExportRecord FakeBatchExportService::PauseExport(const std::string& id) {
  std::lock_guard lock(mu_);
  calls_.push_back("PauseExport");
  ExportRecord& r = FindExport(id);
  r.definition.paused = true;
  r.last_paused_at = 1'700'000'100'000'000;
  return r;
}

ExportRecord FakeBatchExportService::UnpauseExport(const std::string& id, bool backfill) {
  std::lock_guard lock(mu_);
  calls_.push_back(backfill ? "UnpauseExport(backfill)" : "UnpauseExport");
  ExportRecord& r = FindExport(id);
  r.definition.paused = false;
  return r;
}

nlohmann::json FakeBatchExportService::DestinationTypes() {
  std::lock_guard lock(mu_);
  calls_.push_back("DestinationTypes");
  return {
      {"types",
       {{{"type", "File"}, {"label", "Local directory"}, {"fields", nlohmann::json::array()}}}}};
}

void FakeBatchExportService::CheckExport(const std::string& id) {
  std::lock_guard lock(mu_);
  calls_.push_back("CheckExport");
  FindExport(id);
  if (check_error_) throw *check_error_;
}

Page<RunRecord> FakeBatchExportService::ListRuns(const std::string& export_id,
                                                 std::optional<RunStatus> status,
                                                 const ListOptions& options) {
  std::lock_guard lock(mu_);
  calls_.push_back("ListRuns");
  FindExport(export_id);
  std::vector<RunRecord> matching;
  for (const RunRecord& r : runs_) {
    if (r.export_id == export_id && (!status || r.status == *status)) matching.push_back(r);
  }
  return PageOf(matching, options);
}

RunRecord FakeBatchExportService::GetRun(const std::string& export_id, const std::string& run_id) {
  std::lock_guard lock(mu_);
  calls_.push_back("GetRun");
  for (const RunRecord& r : runs_) {
    if (r.export_id == export_id && r.id == run_id) return r;
  }
  throw NotFound("run", run_id);
}

RunRecord FakeBatchExportService::RetryRun(const std::string& export_id,
                                           const std::string& run_id) {
  std::lock_guard lock(mu_);
  calls_.push_back("RetryRun");
  for (RunRecord& r : runs_) {
    if (r.export_id != export_id || r.id != run_id) continue;
    if (r.status == RunStatus::kRunning || r.status == RunStatus::kStarting) {
      throw Error(ErrorKind::kNonRetryable, "Conflict", "run '" + run_id + "' is still running");
    }
    r.status = RunStatus::kStarting;
    return r;
  }
  throw NotFound("run", run_id);
}

Page<LogLine> FakeBatchExportService::RunLogs(const std::string& export_id,
                                              const std::string& run_id,
                                              const ListOptions& options) {
  std::lock_guard lock(mu_);
  calls_.push_back("RunLogs");
  FindExport(export_id);
  const auto it = logs_.find(run_id);
  return PageOf(it == logs_.end() ? std::vector<LogLine>{} : it->second, options);
}

Page<ExportLogLine> FakeBatchExportService::ExportLogs(const std::string& export_id,
                                                       const ListOptions& options) {
  std::lock_guard lock(mu_);
  calls_.push_back("ExportLogs");
  FindExport(export_id);
  std::vector<ExportLogLine> lines;  // oldest first, as PageOf wants them
  for (const auto& [run_id, line] : log_order_) {
    for (const RunRecord& r : runs_) {
      if (r.id == run_id && r.export_id == export_id) lines.push_back({run_id, line});
    }
  }
  return PageOf(lines, options);
}

BackfillRecord FakeBatchExportService::CreateBackfill(const std::string& export_id,
                                                      const nlohmann::json& body) {
  std::lock_guard lock(mu_);
  calls_.push_back("CreateBackfill");
  FindExport(export_id);
  if (!body.contains("start_at") || !body["start_at"].is_string()) {
    throw InvalidArgument("start_at", "is required");
  }
  if (!body.contains("end_at") || !body["end_at"].is_string()) {
    throw InvalidArgument("end_at", "is required");
  }
  BackfillRecord b;
  b.id = "bf-" + std::to_string(next_id_++);
  b.export_id = export_id;
  b.start_at = ParseIsoTime(body["start_at"].get<std::string>(), "start_at");
  b.end_at = ParseIsoTime(body["end_at"].get<std::string>(), "end_at");
  if (b.start_at >= b.end_at) throw InvalidArgument("end_at", "must be after start_at");
  b.total_runs = static_cast<uint64_t>((b.end_at - b.start_at) / (3600 * kMicrosPerSecond));
  backfills_.push_back(b);
  return b;
}

Page<BackfillRecord> FakeBatchExportService::ListBackfills(const std::string& export_id,
                                                           const ListOptions& options) {
  std::lock_guard lock(mu_);
  calls_.push_back("ListBackfills");
  FindExport(export_id);
  std::vector<BackfillRecord> matching;
  for (const BackfillRecord& b : backfills_) {
    if (b.export_id == export_id) matching.push_back(b);
  }
  return PageOf(matching, options);
}

BackfillRecord FakeBatchExportService::GetBackfill(const std::string& export_id,
                                                   const std::string& backfill_id) {
  std::lock_guard lock(mu_);
  calls_.push_back("GetBackfill");
  for (const BackfillRecord& b : backfills_) {
    if (b.export_id == export_id && b.id == backfill_id) return b;
  }
  throw NotFound("backfill", backfill_id);
}

BackfillRecord FakeBatchExportService::CancelBackfill(const std::string& export_id,
                                                      const std::string& backfill_id) {
  std::lock_guard lock(mu_);
  calls_.push_back("CancelBackfill");
  for (BackfillRecord& b : backfills_) {
    if (b.export_id == export_id && b.id == backfill_id) {
      b.status = BackfillStatus::kCancelled;
      return b;
    }
  }
  throw NotFound("backfill", backfill_id);
}

MetricsSnapshot FakeBatchExportService::Metrics() {
  std::lock_guard lock(mu_);
  calls_.push_back("Metrics");
  return metrics_;
}

void FakeBatchExportService::AddExportRecord(ExportRecord record) {
  std::lock_guard lock(mu_);
  exports_.push_back(std::move(record));
}

RunRecord& FakeBatchExportService::AddRun(RunRecord run) {
  std::lock_guard lock(mu_);
  runs_.push_back(std::move(run));
  return runs_.back();
}

void FakeBatchExportService::AddLog(const std::string& run_id, LogLine line) {
  std::lock_guard lock(mu_);
  logs_[run_id].push_back(line);
  log_order_.emplace_back(run_id, std::move(line));
}

void FakeBatchExportService::FailCheckWith(std::optional<Error> error) {
  std::lock_guard lock(mu_);
  check_error_ = std::move(error);
}

void FakeBatchExportService::SetMetrics(MetricsSnapshot metrics) {
  std::lock_guard lock(mu_);
  metrics_ = std::move(metrics);
}

std::vector<std::string> FakeBatchExportService::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

}  // namespace bx::testing
