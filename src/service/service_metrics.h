#pragma once
// The service's side of /metrics. Gauges about runs (by status, queue depth, scheduler lag) and
// each export's last successful interval end come from the state store, so every node sharing it
// reports the same values; the per-export counters and durations are this process's workers'
// (sum them over the nodes). Exports are the ones not deleted: a deleted export's series drop
// out, and with them this process's counters for it.

#include "base/time.h"
#include "service/batch_export_service.h"
#include "service/worker_pool.h"
#include "state/state_store.h"

namespace bx {

MetricsSnapshot CollectMetrics(StateStore& store, WorkerPool& workers, Micros now);

}  // namespace bx
