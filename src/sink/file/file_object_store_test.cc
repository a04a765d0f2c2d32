#include "sink/file/file_object_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;

void Touch(const fs::path& p) { std::ofstream(p) << "x"; }

TEST(FileObjectStore, RemoveStaleTakesEarlierAttemptsLeftoversOnly) {
  testing::TempDir dir;
  const std::string base = "2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00";
  fs::create_directories(dir.path() / "p");
  for (const std::string& name : std::vector<std::string>{
           base + "-0.jsonl", base + "-1.jsonl", base + "-2.jsonl", base + "_manifest.json",
           "." + base + "-3.jsonl.tmp-4242-1", "." + base + "-0.jsonl", ".hidden-notes",
           "2024-01-15T01:00:00+00:00-2024-01-15T02:00:00+00:00-0.jsonl", "unrelated.txt"}) {
    Touch(dir.path() / "p" / name);
  }
  FileObjectStore store(dir.path());
  store.RemoveStale("p", base, {"p/" + base + "-0.jsonl", "p/" + base + "-1.jsonl"});
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(dir.path() / "p")) {
    left.insert(e.path().filename().string());
  }
  EXPECT_EQ(left,
            (std::set<std::string>{
                base + "-0.jsonl", base + "-1.jsonl", "." + base + "-0.jsonl", ".hidden-notes",
                "2024-01-15T01:00:00+00:00-2024-01-15T02:00:00+00:00-0.jsonl", "unrelated.txt"}));
}

}  // namespace
}  // namespace bx
