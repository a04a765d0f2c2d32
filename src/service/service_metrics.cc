#include "service/service_metrics.h"

#include <algorithm>

namespace bx {
namespace {

constexpr size_t kExportPage = 1000;

std::string NameOf(const StoredExport& e) {
  const auto name = e.config.find("name");
  return name != e.config.end() && name->is_string() ? name->get<std::string>() : std::string();
}

}  // namespace

MetricsSnapshot CollectMetrics(StateStore& store, WorkerPool& workers, Micros now) {
  MetricsSnapshot m;
  const auto counts = store.CountRunsByStatus();
  for (RunStatus s : {RunStatus::kStarting, RunStatus::kRunning, RunStatus::kCompleted,
                      RunStatus::kFailed, RunStatus::kFailedRetryable, RunStatus::kCancelled}) {
    auto it = counts.find(s);
    m.runs_by_status.emplace_back(std::string(RunStatusName(s)),
                                  it == counts.end() ? 0 : it->second);
  }
  m.queue_depth = store.CountDueRuns(now);
  if (auto due = store.EarliestDue(); due && *due < now) {
    m.scheduler_lag_seconds = static_cast<double>(now - *due) / kMicrosPerSecond;
  }

  // The counters are read before the exports are listed: an export with counters ran, so it
  // existed before the listing, and when the listing does not have it, it was deleted for good.
  std::map<std::string, ExportMetrics> counters = workers.Metrics();
  const std::map<std::string, Micros> last_success = store.LastCompletedIntervalEnds();
  std::optional<int64_t> before;
  while (true) {
    const std::vector<StoredExport> page = store.ListExports(before, kExportPage);
    for (const StoredExport& e : page) {
      ExportMetrics x;
      if (auto it = counters.find(e.id); it != counters.end()) {
        x = std::move(it->second);
        counters.erase(it);
      }
      x.export_id = e.id;
      x.export_name = NameOf(e);
      if (auto it = last_success.find(e.id); it != last_success.end()) {
        x.last_success_interval_end = it->second;
      }
      m.exports.push_back(std::move(x));
    }
    if (page.size() < kExportPage) break;
    before = page.back().seq;
  }
  std::vector<std::string> deleted;
  for (const auto& [id, unused] : counters) deleted.push_back(id);
  workers.ForgetExports(deleted);
  // Oldest first, the order they were created in: stable from one scrape to the next.
  std::reverse(m.exports.begin(), m.exports.end());
  return m;
}

}  // namespace bx
