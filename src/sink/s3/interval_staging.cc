#include "sink/redshift/redshift_copy_staging.h"

#include <spdlog/spdlog.h>

#include "base/error.h"
#include "core/object_key.h"
#include "sink/objects/object_store_destination.h"
#include "sink/redshift/redshift_sql.h"

namespace bx {

std::string StagingSegment(const std::string& schema, const std::string& table) {
  std::string segment = schema + "." + table;
  for (char& c : segment) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  // "." and ".." are no key segments JoinKey takes.
  if (segment.find_first_not_of('.') == std::string::npos) segment = "_" + segment;
  return segment;
}

RedshiftCopyStaging::RedshiftCopyStaging(const RedshiftCopyInputs& inputs,
                                         const IntervalTarget& target,
                                         const std::string& table_segment)
    : store_(MakeS3ObjectStore(inputs.staging)) {
  FileOutput output = inputs.staging.output;
  std::string& prefix = output.keys.prefix_template;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  prefix += (prefix.empty() ? "" : "/") + table_segment;
  const IntervalKeys keys(output.keys, target.interval, target.schema->table, nullptr);
  manifest_key_ = JoinKey(keys.prefix(), keys.base_name() + ".redshift-manifest.json");
  // The files' own manifest (written when they are split) goes with them.
  files_manifest_key_ = keys.ManifestKey();
  files_destination_ = std::make_unique<ObjectStoreDestination>(store_, std::move(output));
  files_ = files_destination_->Open(target);
}

RedshiftCopyStaging::~RedshiftCopyStaging() { Abort(); }

void RedshiftCopyStaging::Write(const RecordBatch& batch) { files_->Write(batch); }

std::optional<std::string> RedshiftCopyStaging::Finish(DeliveryReport& report) {
  const DeliveryReport files = files_->Commit();
  files_.reset();
  report.rows = files.rows;
  report.bytes = files.bytes;
  report.repaired_values = files.repaired_values;
  std::vector<std::pair<std::string, uint64_t>> entries;
  for (const DeliveredFile& f : files.files) {
    published_.push_back(f.key);
    if (f.rows > 0) entries.emplace_back(store_->Locate(f.key), f.bytes);
  }
  published_.push_back(files_manifest_key_);
  if (entries.empty()) return std::nullopt;
  published_.push_back(manifest_key_);
  auto sink = store_->OpenObject(manifest_key_);
  sink->Append(RedshiftManifest(entries));
  sink->Finish();
  return store_->Locate(manifest_key_);
}

void RedshiftCopyStaging::Remove() {
  if (!published_.empty()) store_->client().DeleteObjects(published_);
  published_.clear();
}

void RedshiftCopyStaging::Abort() noexcept {
  if (files_) files_->Abort();
  files_.reset();
  try {
    Remove();
  } catch (const Error& e) {
    spdlog::warn("cannot delete the staged files of a failed Redshift COPY: {}", e.Describe());
  }
}

}  // namespace bx
