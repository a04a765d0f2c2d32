#pragma once
// Splits one interval's rows into files of at most about `max_file_bytes` (compressed), names
// them, and writes the manifest when splitting. A file is closed as soon as its estimated size
// reaches the limit, checking every ~2% of the limit, so files land within a few percent of it.
// The files are staged in the store and become visible together at Finish(), the manifest last.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/object_key.h"
#include "format/encoder.h"
#include "sink/destination.h"
#include "sink/object_store.h"

namespace bx {

using EncoderFactory = std::function<std::unique_ptr<Encoder>(std::unique_ptr<ByteSink>)>;

class FileRotator {
 public:
  FileRotator(ObjectStore& store, IntervalKeys keys, std::optional<uint64_t> max_file_bytes,
              EncoderFactory make_encoder);
  ~FileRotator();

  void Add(const RecordBatch& batch);
  // Finishes the open file, writes the manifest when files are numbered and any were written,
  // and publishes them (StagedObjects::Publish: replacing what an earlier attempt at this
  // interval left).
  void Finish();
  // Discards the open file and every staged one: nothing of this attempt becomes visible.
  void Abort() noexcept;

  const std::vector<DeliveredFile>& files() const { return files_; }
  uint64_t repaired_values() const { return repaired_values_; }
  const IntervalKeys& keys() const { return keys_; }

 private:
  void OpenFile();
  void CloseFile();
  size_t RowsPerStep() const;
  void WriteManifest();

  IntervalKeys keys_;
  std::unique_ptr<StagedObjects> staged_;  // before encoder_: its sinks write into it
  std::optional<uint64_t> max_file_bytes_;
  EncoderFactory make_encoder_;
  std::unique_ptr<Encoder> encoder_;
  std::vector<DeliveredFile> files_;
  uint64_t repaired_values_ = 0;
  uint64_t finished_bytes_ = 0;
  uint64_t finished_rows_ = 0;
  uint64_t file_bytes_ = 0;  // bytes that reached the open file's object sink
};

}  // namespace bx
