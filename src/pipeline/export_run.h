#pragma once
// The run loop: read one interval from a source, drop duplicates, hand the rows to the
// destination and commit. Reads like leveldb's BuildTable; on any error the destination's
// writer is aborted and the error propagates to whoever decides about retries.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "core/export_definition.h"
#include "sink/destination.h"
#include "source/source.h"

namespace bx {

struct RunResult {
  uint64_t rows = 0;
  uint64_t duplicates_dropped = 0;
  uint64_t repaired_values = 0;  // values cleaned or exported as strings: warnings
  uint64_t bytes = 0;
  std::string location;              // where the rows went
  std::vector<DeliveredFile> files;  // for destinations that write files
  std::vector<std::string> warnings;
  double seconds = 0;
};

// Throws bx::Error; the destination is left as the writer's Abort() leaves it. When `cancel` is
// given and becomes true, the run stops before its next batch with the error type "Cancelled".
// `attempt_id` becomes IntervalTarget::attempt_id (empty: a random one).
RunResult ExportInterval(const ExportDefinition& def, const Interval& interval, Source& source,
                         Destination& destination, const std::atomic<bool>* cancel = nullptr,
                         const std::string& attempt_id = "");

}  // namespace bx
