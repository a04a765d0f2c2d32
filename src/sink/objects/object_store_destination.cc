#include "sink/objects/object_store_destination.h"

#include "sink/objects/encoders.h"
#include "sink/objects/file_rotator.h"

namespace bx {
namespace {

class FilesWriter : public IntervalWriter {
 public:
  FilesWriter(ObjectStore& store, const FileOutput& output, const IntervalTarget& target)
      : store_(store),
        rotator_(store,
                 IntervalKeys(output.keys, target.interval, target.schema->table, &warnings_),
                 output.max_file_size_bytes, MakeEncoderFactory(output, *target.schema)) {}

  void Write(const RecordBatch& batch) override { rotator_.Add(batch); }

  DeliveryReport Commit() override {
    rotator_.Finish();
    DeliveryReport report;
    report.files = rotator_.files();
    report.repaired_values = rotator_.repaired_values();
    report.warnings = std::move(warnings_);
    for (const DeliveredFile& f : report.files) {
      report.rows += f.rows;
      report.bytes += f.bytes;
    }
    // One file: where it is; several: the folder that holds them.
    if (report.files.size() == 1) {
      report.location = store_.Locate(report.files.front().key);
    } else if (!report.files.empty()) {
      const std::string& key = report.files.front().key;
      const size_t slash = key.rfind('/');
      report.location = store_.Locate(slash == std::string::npos ? "" : key.substr(0, slash + 1));
    }
    return report;
  }

  void Abort() noexcept override { rotator_.Abort(); }

 private:
  ObjectStore& store_;
  std::vector<std::string> warnings_;  // before rotator_: IntervalKeys appends to it
  FileRotator rotator_;
};

}  // namespace

ObjectStoreDestination::ObjectStoreDestination(std::shared_ptr<ObjectStore> store,
                                               FileOutput output)
    : store_(std::move(store)), output_(std::move(output)) {}

std::unique_ptr<IntervalWriter> ObjectStoreDestination::Open(const IntervalTarget& target) {
  return std::make_unique<FilesWriter>(*store_, output_, target);
}

}  // namespace bx
