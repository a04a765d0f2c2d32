#pragma once
// What the file-writing destinations (File, S3, S3Compatible) share in their config: the key
// layout (prefix, format, compression) and splitting by size.

#include <cstdint>
#include <optional>

#include "core/json_fields.h"
#include "core/object_key.h"
#include "sink/config_description.h"

namespace bx {

struct FileOutput {
  KeyLayout keys;
  std::optional<uint64_t> max_file_size_bytes;  // unset: one file per interval
};

// Reads prefix, file_format, compression, max_file_size_mb and legacy_parquet_extension from a
// destination config; throws InvalidArgument naming the field.
FileOutput ParseFileOutput(JsonFields& config);

// The fields ParseFileOutput reads, for the destinations' descriptions.
std::vector<ConfigField> FileOutputFields();

}  // namespace bx
