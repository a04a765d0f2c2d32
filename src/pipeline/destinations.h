#pragma once
// Builds the pieces a run needs from an export definition: the object store it writes to and
// the encoder for its file format and compression.

#include <memory>

#include "core/export_definition.h"
#include "pipeline/file_rotator.h"
#include "sink/object_store.h"

namespace bx {

// The object store of a file-writing destination (File, S3, S3Compatible).
std::unique_ptr<ObjectStore> MakeObjectStore(const ExportDefinition& def);

// An encoder per file: the format's encoder over the compression's sink.
EncoderFactory MakeEncoderFactory(const FileOutput& output, const Schema& schema);

}  // namespace bx
