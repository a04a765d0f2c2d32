#include "pipeline/export_run.h"

#include <chrono>

#include "pipeline/deduplicator.h"
#include "pipeline/destinations.h"
#include "pipeline/read_ahead.h"

namespace bx {

RunResult ExportInterval(const ExportDefinition& def, const Interval& interval, Source& source,
                         ObjectStore& store, const std::atomic<bool>* cancel) {
  const auto started = std::chrono::steady_clock::now();
  const Schema& schema = FileSchema(def.model);
  const FileOutput* output = def.file_output();
  RunResult result;

  ExportQuery query;
  query.model = def.model;
  query.interval = interval;
  query.team_id = def.team_id;
  query.include_events = def.include_events;
  query.exclude_events = def.exclude_events;

  FileRotator rotator(store, IntervalKeys(output->keys, interval, schema.table, &result.warnings),
                      output->max_file_size_bytes, MakeEncoderFactory(*output, schema));
  Deduplicator dedup(schema);
  RecordBatch batch(schema);
  ReadAheadReader reader(source.Read(query), schema);
  while (reader.Next(batch)) {
    if (cancel && cancel->load(std::memory_order_relaxed)) throw CancelledError();
    result.duplicates_dropped += dedup.Filter(batch);
    rotator.Add(batch);
  }
  if (cancel && cancel->load(std::memory_order_relaxed)) throw CancelledError();
  rotator.Finish();

  result.files = rotator.files();
  result.repaired_values = rotator.repaired_values();
  for (const WrittenFile& f : result.files) {
    result.rows += f.rows;
    result.bytes += f.bytes;
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace bx
