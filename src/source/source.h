#pragma once
// Where rows come from. A Source answers an ExportQuery with a BatchReader that streams the
// interval's rows in RecordBatches of bounded size.

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

struct ExportQuery {
  Model model = Model::kEvents;
  Layout layout = Layout::kFiles;  // which of the model's column sets (core/schemas.h)
  Interval interval;               // rows whose inserted_at lies in [start, end)
  std::optional<int64_t> team_id;
  std::vector<std::string> include_events;  // empty: every event
  std::vector<std::string> exclude_events;
  size_t batch_rows = 1024;
  size_t batch_bytes = 4 << 20;
  // The run's cancel flag, if any: a reader waiting on a remote source gives up (throwing
  // CancelledError) soon after it becomes true, instead of at its next batch.
  const std::atomic<bool>* cancel = nullptr;
};

class BatchReader {
 public:
  virtual ~BatchReader() = default;
  // Clears `batch` and fills it with the next rows (schema ModelSchema(query.model, query.layout));
  // false when there are no more rows. Throws bx::Error.
  virtual bool Next(RecordBatch& batch) = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual std::unique_ptr<BatchReader> Read(const ExportQuery& query) = 0;
};

}  // namespace bx
