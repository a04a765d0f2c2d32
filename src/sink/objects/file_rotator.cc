#include "sink/objects/file_rotator.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "io/counting_sink.h"

namespace bx {

FileRotator::FileRotator(ObjectStore& store, IntervalKeys keys,
                         std::optional<uint64_t> max_file_bytes, EncoderFactory make_encoder)
    : keys_(std::move(keys)),
      staged_(store.Stage(keys_.prefix(), keys_.base_name())),
      max_file_bytes_(max_file_bytes),
      make_encoder_(std::move(make_encoder)) {}

FileRotator::~FileRotator() { Abort(); }

void FileRotator::OpenFile() {
  file_bytes_ = 0;
  encoder_ = make_encoder_(
      std::make_unique<CountingSink>(staged_->Open(keys_.DataKey(files_.size())), &file_bytes_));
}

void FileRotator::CloseFile() {
  encoder_->Finish();
  DeliveredFile file{keys_.DataKey(files_.size()), encoder_->rows(), file_bytes_};
  repaired_values_ += encoder_->repaired_values();
  finished_bytes_ += file.bytes;
  finished_rows_ += file.rows;
  files_.push_back(std::move(file));
  encoder_.reset();
}

size_t FileRotator::RowsPerStep() const {
  constexpr size_t kMaxStep = 8192;
  if (!max_file_bytes_) return kMaxStep;
  // Bytes per row so far, from this file or the finished ones; a cautious guess at the start.
  double per_row = 0;
  if (encoder_ && encoder_->rows() > 0) {
    per_row = static_cast<double>(encoder_->EstimatedFileBytes()) / encoder_->rows();
  } else if (finished_rows_ > 0) {
    per_row = static_cast<double>(finished_bytes_) / finished_rows_;
  }
  if (per_row <= 0) return 16;
  const double step = 0.02 * static_cast<double>(*max_file_bytes_) / per_row;
  return std::clamp<size_t>(static_cast<size_t>(step), 1, kMaxStep);
}

void FileRotator::Add(const RecordBatch& batch) {
  const size_t n = batch.num_rows();
  size_t row = 0;
  while (row < n) {
    if (!encoder_) OpenFile();
    const size_t end = std::min(n, row + RowsPerStep());
    encoder_->Add(batch, row, end);
    row = end;
    if (max_file_bytes_ && encoder_->EstimatedFileBytes() >= *max_file_bytes_) CloseFile();
  }
}

void FileRotator::WriteManifest() {
  nlohmann::ordered_json keys = nlohmann::ordered_json::array();
  nlohmann::ordered_json details = nlohmann::ordered_json::array();
  uint64_t rows = 0, bytes = 0;
  for (const DeliveredFile& f : files_) {
    keys.push_back(f.key);
    details.push_back({{"key", f.key}, {"rows", f.rows}, {"bytes", f.bytes}});
    rows += f.rows;
    bytes += f.bytes;
  }
  nlohmann::ordered_json manifest;
  manifest["files"] = keys;
  manifest["rows"] = rows;
  manifest["bytes"] = bytes;
  manifest["file_details"] = details;
  auto sink = staged_->Open(keys_.ManifestKey());
  sink->Append(manifest.dump(2) + "\n");
  sink->Finish();
}

void FileRotator::Finish() {
  if (encoder_) CloseFile();
  std::vector<std::string> keys;
  for (const DeliveredFile& f : files_) keys.push_back(f.key);
  // The manifest is published last: its presence says every file listed is there, complete.
  const bool with_manifest = max_file_bytes_ && !files_.empty();
  if (with_manifest) WriteManifest();
  staged_->Publish(keys, keys_.ManifestKey(), with_manifest);
}

void FileRotator::Abort() noexcept {
  if (encoder_) encoder_->Abort();
  encoder_.reset();
  staged_->Discard();
}

}  // namespace bx
