#include "pipeline/seen_keys.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

#include "base/error.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

// Inserts `keys` into both sets and checks that `seen` calls fresh exactly what `model` does.
void InsertBoth(SeenKeys& seen, std::set<std::pair<uint64_t, uint64_t>>& model,
                const std::vector<Key128>& keys) {
  std::vector<uint8_t> fresh;
  seen.Insert(keys, fresh);
  ASSERT_EQ(fresh.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const bool expected = model.insert({keys[i].low, keys[i].high}).second;
    ASSERT_EQ(fresh[i] != 0, expected) << "key " << i;
  }
  ASSERT_EQ(seen.size(), model.size());
}

TEST(SeenKeys, AgreesWithASetThroughSpillsAndMerges) {
  SeenKeys seen(/*memory_keys=*/64);
  std::set<std::pair<uint64_t, uint64_t>> model;
  std::mt19937_64 rng(7);
  std::vector<Key128> history;
  for (int batch = 0; batch < 200; ++batch) {
    std::vector<Key128> keys;
    const size_t n = 1 + rng() % 150;  // sometimes more than the table holds
    for (size_t i = 0; i < n; ++i) {
      if (!history.empty() && rng() % 4 == 0) {
        keys.push_back(history[rng() % history.size()]);  // seen before, maybe spilled
      } else if (!keys.empty() && rng() % 10 == 0) {
        keys.push_back(keys[rng() % keys.size()]);  // a repeat within the batch
      } else {
        // Few distinct high words, so keys share blocks of the sparse index and filters.
        keys.push_back({rng(), rng() % 8});
      }
    }
    history.insert(history.end(), keys.begin(), keys.end());
    InsertBoth(seen, model, keys);
  }
  EXPECT_GT(model.size(), 10000u);
  // Merged like a binary counter: about log2(size / memory_keys) runs, never one per spill.
  EXPECT_GE(seen.runs(), 1u);
  EXPECT_LE(seen.runs(), 9u);
}

TEST(SeenKeys, TheAllZeroKeyIsAKeyLikeAnyOther) {
  SeenKeys seen(4);
  std::vector<uint8_t> fresh;
  seen.Insert({{0, 0}, {0, 0}}, fresh);
  EXPECT_EQ(fresh, (std::vector<uint8_t>{1, 0}));
  seen.Insert({{1, 2}, {3, 4}, {5, 6}, {7, 8}, {0, 0}}, fresh);  // spilled in between
  EXPECT_EQ(fresh, (std::vector<uint8_t>{1, 1, 1, 1, 0}));
}

TEST(SeenKeys, AnUnusableSpillDirectoryIsARetryableErrorNamingIt) {
  testing::TempDir dir;
  SeenKeys seen(2, dir.path() / "missing");
  std::vector<uint8_t> fresh;
  seen.Insert({{1, 1}, {2, 2}}, fresh);  // fits in memory: no file yet
  try {
    seen.Insert({{3, 3}}, fresh);
    FAIL() << "spilled into a missing directory";
  } catch (const Error& e) {
    EXPECT_TRUE(e.retryable());
    EXPECT_EQ(e.type(), "TemporaryFileError");
    EXPECT_NE(e.message().find((dir.path() / "missing").string()), std::string::npos)
        << e.message();
    EXPECT_NE(e.message().find("TMPDIR"), std::string::npos) << e.message();
  }
  // The keys that were to be spilled are in no run: the set refuses to answer from then on.
  try {
    seen.Insert({{1, 1}}, fresh);
    FAIL() << "answered after a failed spill";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    EXPECT_NE(e.message().find("failed to spill"), std::string::npos) << e.message();
  }
}

TEST(SeenKeys, LeavesNoFileBehind) {
  testing::TempDir dir;
  {
    SeenKeys seen(16, dir.path());
    std::vector<Key128> keys;
    for (uint64_t i = 1; i <= 100; ++i) keys.push_back({i * 0x9E3779B97F4A7C15ULL, i});
    std::vector<uint8_t> fresh;
    seen.Insert(keys, fresh);
    EXPECT_GE(seen.runs(), 1u);
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // unnamed files
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace bx
