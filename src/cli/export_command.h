#pragma once

#include <string>

#include "core/export_definition.h"
#include "source/source.h"

namespace bx {

// Reads and validates an export definition file; throws InvalidArgument naming the file and
// the field.
ExportDefinition LoadExportDefinition(const std::string& path);

struct ExportSummary {
  uint64_t runs = 0, failed = 0, rows = 0, files = 0, bytes = 0, repaired = 0;
};

// Exports every whole interval of `def` in [start, end), `workers` intervals at a time, printing
// one line per run in interval order.
ExportSummary ExportRange(const ExportDefinition& def, Source& source, Micros start, Micros end,
                          int workers = 1);

}  // namespace bx
