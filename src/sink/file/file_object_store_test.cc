#include "sink/file/file_object_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "base/error.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;

void Touch(const fs::path& p) { std::ofstream(p) << "x"; }

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Write(FileObjectStore& store, const std::string& key, const std::string& text) {
  auto sink = store.Open(key);
  sink->Append(text);
  sink->Finish();
}

std::set<std::string> Tree(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    out.insert(fs::relative(e.path(), root).string());
  }
  return out;
}

// `dest/link -> elsewhere` and prefix `link/x` wrote into elsewhere/x/.
TEST(FileObjectStore, ALinkWhereADirectoryBelongsIsAnErrorAndNothingLandsBehindIt) {
  testing::TempDir dir;
  const fs::path dest = dir.path() / "dest";
  const fs::path elsewhere = dir.path() / "elsewhere";
  fs::create_directories(dest);
  fs::create_directories(elsewhere);
  fs::create_directory_symlink(elsewhere, dest / "link");
  FileObjectStore store(dest);
  for (const std::string key : {"link/x/file.jsonl", "link/file.jsonl", "a/link/file.jsonl"}) {
    if (key.rfind("a/", 0) == 0) {
      fs::create_directories(dest / "a");
      fs::create_directory_symlink(elsewhere, dest / "a" / "link");
    }
    try {
      Write(store, key, "rows");
      ADD_FAILURE() << key << " was written";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kNonRetryable) << e.Describe();
      EXPECT_EQ(e.type(), "FileWriteError");
      EXPECT_NE(e.message().find("is a symbolic link (to '" + elsewhere.string() + "')"),
                std::string::npos)
          << e.message();
      EXPECT_NE(e.message().find("key '" + key + "'"), std::string::npos) << e.message();
    }
  }
  EXPECT_TRUE(fs::is_empty(elsewhere)) << *Tree(elsewhere).begin();
}

TEST(FileObjectStore, StaleRemovalNeverListsOrDeletesBehindALink) {
  testing::TempDir dir;
  const std::string base = "2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00";
  const fs::path dest = dir.path() / "dest";
  const fs::path elsewhere = dir.path() / "elsewhere";
  fs::create_directories(dest);
  fs::create_directories(elsewhere);
  Touch(elsewhere / (base + "-0.jsonl"));
  fs::create_directory_symlink(elsewhere, dest / "link");
  FileObjectStore store(dest);
  EXPECT_THROW(store.RemoveStale("link", base, {}), Error);
  EXPECT_TRUE(fs::exists(elsewhere / (base + "-0.jsonl")));
}

TEST(FileObjectStore, AFileWhereADirectoryBelongsIsNamed) {
  testing::TempDir dir;
  Touch(dir.path() / "p");
  FileObjectStore store(dir.path());
  try {
    Write(store, "p/q/file.jsonl", "rows");
    ADD_FAILURE() << "written";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNonRetryable);
    EXPECT_NE(e.message().find("'" + (dir.path() / "p").string() + "' is not a directory"),
              std::string::npos)
        << e.message();
  }
}

// A link at the file's own name is replaced by the file, never written through.
TEST(FileObjectStore, ALinkAtTheFileNameIsReplacedNotWrittenThrough) {
  testing::TempDir dir;
  const fs::path dest = dir.path() / "dest";
  const fs::path target = dir.path() / "precious.txt";
  fs::create_directories(dest / "p");
  std::ofstream(target) << "precious";
  fs::create_symlink(target, dest / "p" / "file.jsonl");
  FileObjectStore store(dest);
  Write(store, "p/file.jsonl", "rows\n");
  EXPECT_FALSE(fs::is_symlink(dest / "p" / "file.jsonl"));
  EXPECT_EQ(Read(dest / "p" / "file.jsonl"), "rows\n");
  EXPECT_EQ(Read(target), "precious");
}

// The root itself may be a link (the operator chose the path); what is under it may not.
TEST(FileObjectStore, TheRootMayBeALink) {
  testing::TempDir dir;
  fs::create_directories(dir.path() / "real");
  fs::create_directory_symlink(dir.path() / "real", dir.path() / "root");
  FileObjectStore store(dir.path() / "root");
  Write(store, "a/b/file.jsonl", "rows");
  EXPECT_EQ(Read(dir.path() / "real" / "a" / "b" / "file.jsonl"), "rows");
}

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
