#pragma once
// Copy mode's staged files: an interval's rows as gzip JSON lines objects in the staging bucket
// (written by the S3 destination's own writer, so split, uploaded and published as it does)
// plus a Redshift manifest naming them, under
//   <prefix>/<schema>.<table>/<interval start>-<interval end>[-n].jsonl.gz
//   <prefix>/<schema>.<table>/<interval start>-<interval end>.redshift-manifest.json
// A retry of the interval writes the same keys; Remove deletes them after the COPY committed.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sink/destination.h"
#include "sink/redshift/redshift_config.h"

namespace bx {

class RedshiftCopyStaging {
 public:
  // `table_segment`: the key segment naming the destination table ("schema.table").
  RedshiftCopyStaging(const RedshiftCopyInputs& inputs, const IntervalTarget& target,
                      const std::string& table_segment);
  ~RedshiftCopyStaging();

  void Write(const RecordBatch& batch);
  // Publishes the files and writes the manifest; its s3:// URL, or nullopt when the interval
  // has no rows (nothing for COPY to load). `report` gets the files' rows, bytes and repairs.
  std::optional<std::string> Finish(DeliveryReport& report);
  // Deletes every staged object. Throws bx::Error when the store refuses.
  void Remove();
  // Aborts the uploads and deletes what was published. Never throws (warns instead).
  void Abort() noexcept;

 private:
  std::shared_ptr<s3::S3ObjectStore> store_;
  std::unique_ptr<Destination> files_destination_;
  std::unique_ptr<IntervalWriter> files_;
  std::string manifest_key_, files_manifest_key_;
  std::vector<std::string> published_;  // keys to delete once loaded
};

// "schema.table" with every byte but letters, digits, '.', '_' and '-' as '_': a key segment
// that is no prefix template variable and no path trick.
std::string StagingSegment(const std::string& schema, const std::string& table);

}  // namespace bx
