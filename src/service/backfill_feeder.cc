#include "service/backfill_feeder.h"

#include <algorithm>

#include "service/backfill_plan.h"
#include "service/ids.h"
#include "service/stored_definition.h"

namespace bx {
namespace {

constexpr size_t kBackfillsPerRound = 100;

}  // namespace

size_t FeedBackfills(StateStore& store, Micros now) {
  size_t created = 0;
  for (const StoredBackfill& b : store.BackfillsToPlan(kBackfillsPerRound)) {
    const uint64_t unfinished = b.created_runs - std::min(b.created_runs, b.backfill.finished_runs);
    if (unfinished >= kBackfillWindow / 2) continue;
    const auto e = store.GetExport(b.backfill.export_id);
    if (!e) continue;  // deleting an export cancels its backfills
    const ExportDefinition def = StoredDefinition(*e);
    const Micros plan_end =
        def.end_at ? std::min(b.backfill.end_at, *def.end_at) : b.backfill.end_at;
    const BackfillWindow window =
        NextBackfillWindow(def.schedule(), *b.plan_cursor, plan_end, kBackfillWindow - unfinished);
    std::vector<NewRun> runs;
    runs.reserve(window.intervals.size());
    for (const Interval& i : window.intervals) runs.push_back({NewUuid(), i});
    created += store.AdvanceBackfill(b.backfill.id, *b.plan_cursor, runs, window.next_cursor, now)
                   .value_or(0);
  }
  return created;
}

}  // namespace bx
