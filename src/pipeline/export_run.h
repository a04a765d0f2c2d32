#pragma once
// The run loop: read one interval, drop duplicates, encode and split into files, finish the
// destination. Reads like leveldb's BuildTable; on any error the open file is discarded and the
// error propagates to whoever decides about retries.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "core/export_definition.h"
#include "pipeline/file_rotator.h"
#include "sink/object_store.h"
#include "source/source.h"

namespace bx {

struct RunResult {
  uint64_t rows = 0;
  uint64_t duplicates_dropped = 0;
  uint64_t repaired_values = 0;  // values cleaned or exported as strings: warnings
  uint64_t bytes = 0;
  std::vector<WrittenFile> files;
  std::vector<std::string> warnings;
  double seconds = 0;
};

// Throws bx::Error; nothing of the open file stays visible. When `cancel` is given and becomes
// true, the run stops before its next batch with the error type "Cancelled".
RunResult ExportInterval(const ExportDefinition& def, const Interval& interval, Source& source,
                         ObjectStore& store, const std::atomic<bool>* cancel = nullptr);

}  // namespace bx
