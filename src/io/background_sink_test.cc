#include "io/background_sink.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "base/error.h"

namespace bx {
namespace {

// Records what reaches it; can be told to fail on the n-th Append, and to be slow.
struct RecordingSink : ByteSink {
  struct Log {
    std::string bytes;
    bool finished = false, aborted = false;
    std::thread::id appender;
  };
  RecordingSink(Log* log, int fail_on_append = -1) : log(log), fail_on(fail_on_append) {}
  void Append(std::string_view b) override {
    log->appender = std::this_thread::get_id();
    if (appends++ == fail_on) throw Error(ErrorKind::kRetryable, "SlowDown", "append failed");
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    log->bytes.append(b);
  }
  void Finish() override { log->finished = true; }
  void Abort() noexcept override { log->aborted = true; }
  uint64_t BytesWritten() const override { return log->bytes.size(); }
  Log* log;
  int fail_on;
  int appends = 0;
};

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(BackgroundSink, PassesEveryByteInOrderOnAnotherThread) {
  RecordingSink::Log log;
  auto sink = MakeBackgroundSink(std::make_unique<RecordingSink>(&log), 4096, 2);
  const std::string data = RandomBytes(1 << 20, 7);
  std::mt19937 rng(3);
  for (size_t at = 0; at < data.size();) {
    const size_t n = std::min<size_t>(data.size() - at, rng() % 10000);
    sink->Append(std::string_view(data).substr(at, n));
    at += n;
  }
  EXPECT_EQ(sink->BytesWritten(), data.size());
  sink->Finish();
  EXPECT_TRUE(log.finished);
  EXPECT_FALSE(log.aborted);
  EXPECT_EQ(log.bytes, data);
  EXPECT_NE(log.appender, std::this_thread::get_id());
}

TEST(BackgroundSink, EstimatedSizeWaitsForEveryByteAppended) {
  RecordingSink::Log log;
  auto sink = MakeBackgroundSink(std::make_unique<RecordingSink>(&log), 1000, 3);
  for (int i = 0; i < 50; ++i) {
    sink->Append(std::string(777, 'x'));
    EXPECT_EQ(sink->EstimatedSize(), 777u * (i + 1));  // the inner sink's, not a guess
  }
  sink->Finish();
}

TEST(BackgroundSink, TheInnerSinksErrorSurfacesAndAbortReachesIt) {
  RecordingSink::Log log;
  auto sink = MakeBackgroundSink(std::make_unique<RecordingSink>(&log, /*fail_on_append=*/2), 100);
  std::string type;
  try {
    for (int i = 0; i < 100; ++i) sink->Append(std::string(100, 'y'));
    sink->Finish();
  } catch (const Error& e) {
    type = e.type();
  }
  EXPECT_EQ(type, "SlowDown");
  EXPECT_FALSE(log.finished);
  sink->Abort();
  EXPECT_TRUE(log.aborted);
}

TEST(BackgroundSink, DestroyedUnfinishedItAbortsTheInnerSink) {
  RecordingSink::Log log;
  {
    auto sink = MakeBackgroundSink(std::make_unique<RecordingSink>(&log), 10);
    sink->Append(std::string(1000, 'z'));
  }
  EXPECT_TRUE(log.aborted);
  EXPECT_FALSE(log.finished);
}

}  // namespace
}  // namespace bx
