#pragma once
// Files a warehouse loads from S3 (Redshift's and Snowflake's COPY): an interval's rows as gzip
// JSON lines objects in a staging bucket (written by the S3 destination's own writer, so split,
// uploaded and published as it does), under
//   <prefix>/<segment>/<interval start>-<interval end>[-n].jsonl.gz
// plus any objects the loader adds beside them (a manifest). A retry of the interval writes the
// same keys; Remove deletes them after the load committed.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sink/destination.h"
#include "sink/s3/s3_destination.h"

namespace bx {

// A staging bucket's fields (those of an S3 destination, `path` naming them in errors) with the
// format fixed to gzip JSON lines (setting file_format or compression is an error) and
// max_file_size_mb 64 unless set.
S3DestinationConfig ParseStagingConfig(const nlohmann::json& config, const std::string& path);
// The fields ParseStagingConfig reads; `keyless` is the warehouse's own field for reading the
// bucket without access keys (Redshift's IAM role, Snowflake's storage integration).
std::vector<ConfigField> StagingFields(ConfigField keyless);

struct StagedFile {
  std::string key;  // in the bucket
  std::string url;  // s3://bucket/key
  uint64_t bytes = 0;
};

class S3IntervalStaging {
 public:
  // `segment`: the key segment naming the destination table (StagingSegment).
  S3IntervalStaging(const S3DestinationConfig& staging, const IntervalTarget& target,
                    const std::string& segment);
  ~S3IntervalStaging();

  void Write(const RecordBatch& batch);
  // Publishes the files: those holding rows (none when the interval has none). `report` gets
  // the files' rows, bytes and repairs.
  std::vector<StagedFile> Finish(DeliveryReport& report);
  // Writes `content` beside the files as <interval start>-<interval end><suffix>; its URL.
  std::string PutBeside(const std::string& suffix, std::string_view content);
  // The location of the interval's objects: s3://bucket/<prefix>/<segment>/.
  std::string Location() const;
  // Deletes every staged object. Throws bx::Error when the store refuses.
  void Remove();
  // Aborts the uploads and deletes what was published. Never throws (warns instead).
  void Abort() noexcept;

 private:
  std::shared_ptr<s3::S3ObjectStore> store_;
  std::unique_ptr<Destination> files_destination_;
  std::unique_ptr<IntervalWriter> files_;
  std::string prefix_, base_name_, files_manifest_key_;
  std::vector<std::string> published_;  // keys to delete once loaded
};

// "schema.table" with every byte but letters, digits, '.', '_' and '-' as '_': a key segment
// that is no prefix template variable and no path trick.
std::string StagingSegment(const std::string& schema, const std::string& table);

}  // namespace bx
