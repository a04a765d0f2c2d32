#include "pipeline/read_ahead.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "testing/pipeline_test_rows.h"

namespace bx {
namespace {

// Yields `batches` batches of 10 events, then optionally throws.
class CountingReader : public BatchReader {
 public:
  CountingReader(int batches, bool fail_at_end) : left_(batches), fail_(fail_at_end) {}
  bool Next(RecordBatch& batch) override {
    batch.Clear();
    if (left_ == 0) {
      if (fail_) throw Error(ErrorKind::kRetryable, "SourceError", "connection lost");
      return false;
    }
    AppendTestEvents(batch, next_, 10);
    next_ += 10;
    --left_;
    return true;
  }

 private:
  int left_;
  bool fail_;
  size_t next_ = 0;
};

TEST(ReadAhead, DeliversEveryBatchInOrder) {
  const Schema& schema = FileSchema(Model::kEvents);
  ReadAheadReader reader(std::make_unique<CountingReader>(50, false), schema);
  RecordBatch batch(schema);
  size_t expected = 0;
  while (reader.Next(batch)) {
    ASSERT_EQ(batch.num_rows(), 10u);
    EXPECT_EQ(batch.column(events_col::kUuid).String(0), "uuid-" + std::to_string(expected));
    expected += 10;
  }
  EXPECT_EQ(expected, 500u);
  EXPECT_FALSE(reader.Next(batch));
}

TEST(ReadAhead, RethrowsTheReadersErrorAfterTheBatchesBeforeIt) {
  const Schema& schema = FileSchema(Model::kEvents);
  ReadAheadReader reader(std::make_unique<CountingReader>(3, true), schema);
  RecordBatch batch(schema);
  int batches = 0;
  try {
    while (reader.Next(batch)) ++batches;
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "SourceError");
  }
  EXPECT_EQ(batches, 3);
}

TEST(ReadAhead, StopsCleanlyWhenTheConsumerLeavesEarly) {
  const Schema& schema = FileSchema(Model::kEvents);
  ReadAheadReader reader(std::make_unique<CountingReader>(1000, false), schema);
  RecordBatch batch(schema);
  ASSERT_TRUE(reader.Next(batch));
}  // destructor joins the thread while it waits for a free batch

}  // namespace
}  // namespace bx
