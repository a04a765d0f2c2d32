#pragma once
// An Encoder turns RecordBatches into one file's bytes in a ByteSink it owns. JSON lines are
// row-framed and written through a compressing sink; Parquet buffers a row group and compresses
// its pages itself.

#include <cstdint>

#include "core/record_batch.h"
#include "io/byte_sink.h"

namespace bx {

class Encoder {
 public:
  virtual ~Encoder() = default;
  // Encodes rows [begin, end) of `batch`, whose schema is the one the encoder was made for.
  virtual void Add(const RecordBatch& batch, size_t begin, size_t end) = 0;
  // The size of the file if it were finished now, buffered data included.
  virtual uint64_t EstimatedFileBytes() const = 0;
  // Writes what is buffered and any footer, then finishes the sink: the file becomes visible.
  virtual void Finish() = 0;
  // Discards the file. Never throws.
  virtual void Abort() noexcept = 0;
  virtual uint64_t rows() const = 0;
  // Values the cleaning rule of format/value_cleaning.h changed: text with NUL or invalid UTF-8,
  // JSON repaired or, not being JSON at all, exported as a string. A warning in the run's log.
  virtual uint64_t repaired_values() const = 0;
};

}  // namespace bx
