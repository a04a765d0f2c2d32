#pragma once
// What this process's workers did, per export, for /metrics: runs ended by status, attempts,
// retries, rows and bytes, attempt durations. Counters live as long as the process (Prometheus
// counters), keyed by export id; a deleted export's are forgotten. Thread-safe.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "service/batch_export_service.h"
#include "service/run_executor.h"

namespace bx {

class RunMetrics {
 public:
  // Upper bounds of the attempt duration buckets, in seconds: from test-sized intervals to day
  // and week intervals that take hours.
  static const std::vector<double>& DurationBounds();

  // The end of one attempt as the worker saw it; `cancelled`: the worker was told the run was
  // cancelled (its export deleted or its backfill cancelled) and stopped it.
  void Record(const std::string& export_id, const AttemptReport& report, bool cancelled);
  // By export id; names and the store's last success are filled in by the caller.
  std::map<std::string, ExportMetrics> Snapshot() const;
  void Forget(const std::vector<std::string>& export_ids);

 private:
  mutable std::mutex mu_;
  std::map<std::string, ExportMetrics> by_export_;
};

}  // namespace bx
