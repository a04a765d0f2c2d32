#pragma once
// Where an export's rows go. Every destination (files in a directory or bucket, a database
// table, a warehouse) implements this seam; the run loop (pipeline/export_run) knows nothing
// else about it.
//
//   std::unique_ptr<IntervalWriter> writer = destination.Open(target);
//   while (reader.Next(batch)) writer->Write(batch);
//   DeliveryReport report = writer->Commit();   // or writer->Abort() on any error
//
// Commit makes the interval's rows visible as a whole, replacing what an earlier attempt at the
// same interval delivered; Abort (and a writer destroyed without Commit) leaves the destination
// as it was before Open, as far as the destination can guarantee it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/intervals.h"
#include "core/record_batch.h"
#include "core/schemas.h"

namespace bx {

// What one interval's rows are and where they belong.
struct IntervalTarget {
  Interval interval;
  const Schema* schema = nullptr;  // the model's columns, in order (schema->table: its name)
  // Columns that identify a row for merging (events: uuid; persons: team_id, distinct_id; ...).
  std::vector<size_t> key_columns;
  // A row replaces a stored one with the same key when any of these is greater (none: the
  // interval's rows replace the interval's); ModelSpec::version_columns.
  std::vector<size_t> version_columns;
  // Which of the interval's rows the export takes (ExportQuery's filters): a table destination
  // replaces exactly those.
  std::optional<int64_t> team_id;
  std::vector<std::string> include_events, exclude_events;
  // Names this attempt at the interval, the same in every process ("<run id>-<claim's fencing
  // token>"; random for a one-off export): destinations that name remote jobs or statements
  // after it let a request retried after a lost answer find the first one's work.
  std::string attempt_id;
};

struct DeliveredFile {
  std::string key;  // the object key under the destination's root
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

struct DeliveryReport {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t repaired_values = 0;      // values cleaned or exported as strings
  std::string location;              // where a user finds the rows ("/data/out/p/", "s3://b/p/")
  std::vector<DeliveredFile> files;  // for destinations that write files; empty for tables
  std::vector<std::string> warnings;
};

class IntervalWriter {
 public:
  virtual ~IntervalWriter() = default;
  // Throws bx::Error; after an error only Abort() may be called.
  virtual void Write(const RecordBatch& batch) = 0;
  virtual DeliveryReport Commit() = 0;
  virtual void Abort() noexcept = 0;
};

class Destination {
 public:
  virtual ~Destination() = default;
  // Tests the destination without exporting (it exists, this program may write there); throws
  // bx::Error saying precisely what is wrong.
  virtual void Check() = 0;
  virtual std::unique_ptr<IntervalWriter> Open(const IntervalTarget& target) = 0;
  // Where the destination writes, for messages: "/data/out", "s3://bucket".
  virtual std::string Location() const = 0;
  // The model's columns it takes: files (the default) or tables (core/schemas.h).
  virtual Layout layout() const { return Layout::kFiles; }
  // Once `*cancel` is true, slow work (uploads, waits between retries) stops with
  // CancelledError(); cleanup still runs.
  virtual void SetCancel(const std::atomic<bool>* /*cancel*/) {}
};

}  // namespace bx
