#include "sink/objects/file_rotator.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sink/objects/encoders.h"
#include "sink/objects/file_output.h"
#include "testing/memory_object_store.h"
#include "testing/pipeline_test_rows.h"

namespace bx {
namespace {

const Interval kHour{ParseIsoTime("2024-01-15T00:00:00Z", "t"),
                     ParseIsoTime("2024-01-15T01:00:00Z", "t")};
const std::string kBase = "2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00";

FileOutput Output(Compression c, std::optional<uint64_t> max_bytes) {
  FileOutput out;
  out.keys.prefix_template = "out";
  out.keys.compression = c;
  out.keys.numbered = max_bytes.has_value();
  out.max_file_size_bytes = max_bytes;
  return out;
}

void RotateInto(testing::MemoryObjectStore& store, const FileOutput& output, size_t rows) {
  const Schema& schema = FileSchema(Model::kEvents);
  FileRotator rotator(store, IntervalKeys(output.keys, kHour, "events", nullptr),
                      output.max_file_size_bytes, MakeEncoderFactory(output, schema));
  RecordBatch batch(schema);
  for (size_t done = 0; done < rows; done += 5000) {
    batch.Clear();
    AppendTestEvents(batch, done, std::min<size_t>(5000, rows - done));
    rotator.Add(batch);
  }
  rotator.Finish();
}

size_t CountLines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

TEST(FileRotator, OneUnnumberedFileAndNoManifestWithoutALimit) {
  testing::MemoryObjectStore store;
  RotateInto(store, Output(Compression::kNone, std::nullopt), 12000);
  const auto objects = store.objects();
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects.begin()->first, "out/" + kBase + ".jsonl");
  EXPECT_EQ(CountLines(objects.begin()->second), 12000u);
}

TEST(FileRotator, SplitsWithinTenPercentAndWritesTheManifestLast) {
  for (Compression c : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    testing::MemoryObjectStore store;
    const uint64_t limit = 1 << 20;
    RotateInto(store, Output(c, limit), c == Compression::kNone ? 20000 : 60000);
    const auto objects = store.objects();
    const auto manifest_it = objects.find("out/" + kBase + "_manifest.json");
    ASSERT_NE(manifest_it, objects.end()) << CompressionName(c);
    const auto manifest = nlohmann::json::parse(manifest_it->second);
    const auto& keys = manifest["files"];
    ASSERT_GE(keys.size(), 3u) << CompressionName(c);
    ASSERT_EQ(objects.size(), keys.size() + 1);
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string ext =
          c == Compression::kNone ? ".jsonl" : ".jsonl." + std::string(CompressionExtension(c));
      EXPECT_EQ(keys[i], "out/" + kBase + "-" + std::to_string(i) + ext);
      const uint64_t size = objects.at(keys[i]).size();
      EXPECT_EQ(manifest["file_details"][i]["bytes"], size);
      if (i + 1 < keys.size()) {
        EXPECT_NEAR(static_cast<double>(size), limit, 0.10 * limit) << keys[i];
      }
    }
  }
}

TEST(FileRotator, NoRowsNoFilesNoManifest) {
  testing::MemoryObjectStore store;
  RotateInto(store, Output(Compression::kGzip, 1 << 20), 0);
  EXPECT_TRUE(store.objects().empty());
}

TEST(FileRotator, ARerunReplacesTheIntervalsFilesAndRemovesStaleOnes) {
  testing::MemoryObjectStore store;
  store.Put("out/" + kBase + "-7.jsonl", "stale");
  store.Put("out/" + kBase + "_manifest.json", "stale");
  store.Put("out/2024-01-15T01:00:00+00:00-2024-01-15T02:00:00+00:00.jsonl", "other interval");
  store.Put("elsewhere/" + kBase + ".jsonl", "other prefix");
  RotateInto(store, Output(Compression::kNone, std::nullopt), 10);
  const auto objects = store.objects();
  EXPECT_EQ(objects.size(), 3u);
  EXPECT_TRUE(objects.count("out/" + kBase + ".jsonl"));
  EXPECT_TRUE(objects.count("out/2024-01-15T01:00:00+00:00-2024-01-15T02:00:00+00:00.jsonl"));
  EXPECT_TRUE(objects.count("elsewhere/" + kBase + ".jsonl"));
}

// Files closed mid-interval stay out of sight until Finish; an aborted interval leaves what the
// last complete run published as it was.
TEST(FileRotator, NothingOfAnIntervalIsVisibleBeforeFinishAndAbortLeavesTheEarlierRun) {
  testing::MemoryObjectStore store;
  store.Put("out/" + kBase + "-0.jsonl", "earlier run");
  store.Put("out/" + kBase + "_manifest.json", "earlier manifest");
  const auto earlier = store.objects();
  const FileOutput output = Output(Compression::kNone, 1 << 18);
  const Schema& schema = FileSchema(Model::kEvents);
  FileRotator rotator(store, IntervalKeys(output.keys, kHour, "events", nullptr),
                      output.max_file_size_bytes, MakeEncoderFactory(output, schema));
  RecordBatch batch(schema);
  AppendTestEvents(batch, 0, 5000);
  rotator.Add(batch);
  ASSERT_GE(rotator.files().size(), 3u);  // closed, staged
  EXPECT_EQ(store.objects(), earlier);
  rotator.Abort();
  EXPECT_EQ(store.objects(), earlier);
}

}  // namespace
}  // namespace bx
