#include "pipeline/export_run.h"

#include <fmt/format.h>

#include <chrono>

#include "base/random_id.h"
#include "pipeline/deduplicator.h"
#include "pipeline/read_ahead.h"

namespace bx {
namespace {}  // namespace

RunResult ExportInterval(const ExportDefinition& def, const Interval& interval, Source& source,
                         Destination& destination, const std::atomic<bool>* cancel,
                         const std::string& attempt_id) {
  const auto started = std::chrono::steady_clock::now();
  const ModelSpec& model = GetModelSpec(def.model, destination.layout());
  const Schema& schema = *model.schema;
  RunResult result;

  ExportQuery query;
  query.model = def.model;
  query.layout = destination.layout();
  query.interval = interval;
  query.team_id = def.team_id;
  query.include_events = def.include_events;
  query.exclude_events = def.exclude_events;
  query.cancel = cancel;

  IntervalTarget target;
  target.interval = interval;
  target.schema = &schema;
  target.key_columns = model.key_columns;
  target.version_columns = model.version_columns;
  target.team_id = query.team_id;
  target.include_events = query.include_events;
  target.exclude_events = query.exclude_events;
  target.attempt_id = attempt_id.empty() ? RandomHex() : attempt_id;

  std::unique_ptr<IntervalWriter> writer = destination.Open(target);
  DeliveryReport report;
  try {
    Deduplicator dedup(model.dedup_columns);
    RecordBatch batch(schema);
    ReadAheadReader reader(source.Read(query), schema);
    while (reader.Next(batch)) {
      if (cancel && cancel->load(std::memory_order_relaxed)) throw CancelledError();
      result.duplicates_dropped += dedup.Filter(batch);
      writer->Write(batch);
    }
    if (cancel && cancel->load(std::memory_order_relaxed)) throw CancelledError();
    report = writer->Commit();
  } catch (...) {
    writer->Abort();
    throw;
  }

  result.rows = report.rows;
  result.bytes = report.bytes;
  result.repaired_values = report.repaired_values;
  result.location = std::move(report.location);
  result.files = std::move(report.files);
  result.warnings = std::move(report.warnings);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace bx
