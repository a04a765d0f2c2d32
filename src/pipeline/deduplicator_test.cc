#include "pipeline/deduplicator.h"

#include <gtest/gtest.h>

#include "testing/pipeline_test_rows.h"

namespace bx {
namespace {

TEST(Deduplicator, DropsRepeatsWithinABatchAndAcrossBatches) {
  const Schema& schema = FileSchema(Model::kEvents);
  Deduplicator dedup(GetModelSpec(Model::kEvents).dedup_columns);
  RecordBatch batch(schema);
  AppendTestEvents(batch, 0, 100);
  AppendTestEvents(batch, 50, 100);  // rows 50..99 again
  EXPECT_EQ(dedup.Filter(batch), 50u);
  ASSERT_EQ(batch.num_rows(), 150u);
  EXPECT_EQ(batch.column(events_col::kUuid).String(149), "uuid-149");
  EXPECT_EQ(batch.column(events_col::kInsertedAt).Int(149), 1705276800000149);

  batch.Clear();
  AppendTestEvents(batch, 140, 20);  // 140..149 seen, 150..159 new
  EXPECT_EQ(dedup.Filter(batch), 10u);
  EXPECT_EQ(batch.column(events_col::kUuid).String(0), "uuid-150");
}

TEST(Deduplicator, DropsEveryRepeatWhenItsKeysNoLongerFitInMemory) {
  const Schema& schema = FileSchema(Model::kEvents);
  Deduplicator dedup(GetModelSpec(Model::kEvents).dedup_columns, /*memory_keys=*/32);
  RecordBatch batch(schema);
  AppendTestEvents(batch, 0, 500);
  EXPECT_EQ(dedup.Filter(batch), 0u);
  batch.Clear();
  AppendTestEvents(batch, 0, 10);    // the first rows: spilled long ago
  AppendTestEvents(batch, 495, 10);  // 495..499 seen, 500..504 new
  AppendTestEvents(batch, 500, 5);   // new a moment ago
  EXPECT_EQ(dedup.Filter(batch), 20u);
  ASSERT_EQ(batch.num_rows(), 5u);
  EXPECT_EQ(batch.column(events_col::kUuid).String(0), "uuid-500");
  EXPECT_EQ(batch.column(events_col::kUuid).String(4), "uuid-504");
}

// A copy of test event 0 with one string column replaced.
RecordBatch EventZeroWith(size_t column, const std::string& value) {
  const Schema& schema = FileSchema(Model::kEvents);
  RecordBatch source(schema), out(schema);
  AppendTestEvents(source, 0, 1);
  for (size_t c = 0; c < schema.fields.size(); ++c) {
    const Column& src = source.column(c);
    if (c == column) {
      out.column(c).AppendString(value);
    } else if (src.IsNull(0)) {
      out.column(c).AppendNull();
    } else if (src.type() == ColumnType::kString || src.type() == ColumnType::kJson) {
      out.column(c).AppendString(src.String(0));
    } else {
      out.column(c).AppendInt(src.Int(0));
    }
  }
  return out;
}

TEST(Deduplicator, KeyIsEventDistinctIdAndUuidTogether) {
  Deduplicator dedup(GetModelSpec(Model::kEvents).dedup_columns);
  RecordBatch first = EventZeroWith(events_col::kElementsChain, "");
  EXPECT_EQ(dedup.Filter(first), 0u);
  RecordBatch same_key_other_payload = EventZeroWith(events_col::kProperties, "{}");
  EXPECT_EQ(dedup.Filter(same_key_other_payload), 1u);
  RecordBatch other_event = EventZeroWith(events_col::kEvent, "different");
  EXPECT_EQ(dedup.Filter(other_event), 0u);
  RecordBatch other_person = EventZeroWith(events_col::kDistinctId, "someone-else");
  EXPECT_EQ(dedup.Filter(other_person), 0u);
}

}  // namespace
}  // namespace bx
