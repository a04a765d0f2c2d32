#include "service/run_metrics.h"

namespace bx {

const std::vector<double>& RunMetrics::DurationBounds() {
  static const std::vector<double> kBounds = {0.1, 0.5, 1,    5,    15,   60,
                                              300, 900, 1800, 3600, 7200, 21600};
  return kBounds;
}

void RunMetrics::Record(const std::string& export_id, const AttemptReport& report, bool cancelled) {
  const bool counted_attempt = report.recorded && (report.status == RunStatus::kCompleted ||
                                                   report.status == RunStatus::kFailed ||
                                                   report.status == RunStatus::kFailedRetryable);
  // A run handed back at shutdown or taken over by another worker ends nowhere yet.
  if (!counted_attempt && !cancelled) return;
  std::lock_guard lock(mu_);
  ExportMetrics& m = by_export_[export_id];
  if (cancelled) {
    ++m.runs_cancelled;
    return;
  }
  ++m.attempts;
  switch (report.status) {
    case RunStatus::kCompleted:
      ++m.runs_completed;
      m.rows_exported += report.rows;
      m.bytes_exported += report.bytes;
      break;
    case RunStatus::kFailed:
      ++m.runs_failed;
      break;
    default:
      ++m.retries;
  }
  SecondsHistogram& h = m.attempt_seconds[std::string(RunStatusName(report.status))];
  if (h.counts.empty()) {
    h.bounds = DurationBounds();
    h.counts.assign(h.bounds.size() + 1, 0);
  }
  size_t bucket = 0;
  while (bucket < h.bounds.size() && report.seconds > h.bounds[bucket]) ++bucket;
  ++h.counts[bucket];
  h.sum += report.seconds;
}

std::map<std::string, ExportMetrics> RunMetrics::Snapshot() const {
  std::lock_guard lock(mu_);
  return by_export_;
}

void RunMetrics::Forget(const std::vector<std::string>& export_ids) {
  std::lock_guard lock(mu_);
  for (const std::string& id : export_ids) by_export_.erase(id);
}

}  // namespace bx
