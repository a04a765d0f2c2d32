#include "base/helper_thread.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace bx {
namespace {

TEST(HelperThread, RunsTasksOnAnotherThreadOneAfterTheOther) {
  HelperThread helper;
  std::vector<int> done;
  std::thread::id where;
  for (int i = 0; i < 1000; ++i) {
    helper.Start([&, i] {
      where = std::this_thread::get_id();
      done.push_back(i);
    });
    helper.Wait();
  }
  EXPECT_NE(where, std::this_thread::get_id());
  ASSERT_EQ(done.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(done[i], i);
}

TEST(HelperThread, WaitRethrowsTheTasksErrorOnceAndTheThreadGoesOn) {
  HelperThread helper;
  helper.Start([] { throw std::runtime_error("task failed"); });
  EXPECT_THROW(helper.Wait(), std::runtime_error);
  bool ran = false;
  helper.Start([&] { ran = true; });
  EXPECT_NO_THROW(helper.Wait());
  EXPECT_TRUE(ran);
}

TEST(HelperThread, DestroyedWithATaskInFlightWaitsForIt) {
  bool ran = false;
  {
    HelperThread helper;
    helper.Start([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ran = true;
    });
  }
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace bx
