#include "sink/file/file_object_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "base/error.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;

const std::string kBase = "2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00";

void Touch(const fs::path& p) { std::ofstream(p) << "x"; }

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Write(StagedObjects& staged, const std::string& key, const std::string& text) {
  auto sink = staged.Open(key);
  sink->Append(text);
  sink->Finish();
}

// Writes and publishes one interval's files (names under `prefix`) with the text "rows of
// <name>".
void Export(FileObjectStore& store, const std::string& prefix,
            const std::vector<std::string>& names, bool manifest = false) {
  const std::string dir = prefix.empty() ? "" : prefix + "/";
  auto staged = store.Stage(prefix, kBase);
  std::vector<std::string> keys;
  for (const std::string& name : names) {
    Write(*staged, dir + name, "rows of " + name);
    keys.push_back(dir + name);
  }
  if (manifest) Write(*staged, dir + kBase + "_manifest.json", "manifest");
  staged->Publish(keys, dir + kBase + "_manifest.json", manifest);
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
  fs::create_directories(dest / "a");
  fs::create_directories(elsewhere);
  fs::create_directory_symlink(elsewhere, dest / "link");
  fs::create_directory_symlink(elsewhere, dest / "a" / "link");
  FileObjectStore store(dest);
  for (const std::string prefix : {"link/x", "link", "a/link"}) {
    const std::string key = prefix + "/" + kBase + ".jsonl";
    try {
      Export(store, prefix, {kBase + ".jsonl"});
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
  const fs::path dest = dir.path() / "dest";
  const fs::path elsewhere = dir.path() / "elsewhere";
  fs::create_directories(dest);
  fs::create_directories(elsewhere);
  Touch(elsewhere / (kBase + "-0.jsonl"));
  fs::create_directory_symlink(elsewhere, dest / "link");
  FileObjectStore store(dest);
  EXPECT_THROW(Export(store, "link", {}), Error);  // an empty interval only removes stale files
  EXPECT_TRUE(fs::exists(elsewhere / (kBase + "-0.jsonl")));
}

TEST(FileObjectStore, AFileWhereADirectoryBelongsIsNamed) {
  testing::TempDir dir;
  Touch(dir.path() / "p");
  FileObjectStore store(dir.path());
  try {
    Export(store, "p/q", {kBase + ".jsonl"});
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
  fs::create_symlink(target, dest / "p" / (kBase + ".jsonl"));
  FileObjectStore store(dest);
  Export(store, "p", {kBase + ".jsonl"});
  EXPECT_FALSE(fs::is_symlink(dest / "p" / (kBase + ".jsonl")));
  EXPECT_EQ(Read(dest / "p" / (kBase + ".jsonl")), "rows of " + kBase + ".jsonl");
  EXPECT_EQ(Read(target), "precious");
}

// The root itself may be a link (the operator chose the path); what is under it may not.
TEST(FileObjectStore, TheRootMayBeALink) {
  testing::TempDir dir;
  fs::create_directories(dir.path() / "real");
  fs::create_directory_symlink(dir.path() / "real", dir.path() / "root");
  FileObjectStore store(dir.path() / "root");
  Export(store, "a/b", {kBase + ".jsonl"});
  EXPECT_EQ(Read(dir.path() / "real" / "a" / "b" / (kBase + ".jsonl")),
            "rows of " + kBase + ".jsonl");
}

// Until Publish, an interval's files are in a hidden staging directory only; then they are in
// place and the staging directory is gone.
TEST(FileObjectStore, FilesAreInvisibleUntilPublished) {
  testing::TempDir dir;
  FileObjectStore store(dir.path());
  auto staged = store.Stage("p", kBase);
  const std::vector<std::string> keys = {"p/" + kBase + "-0.jsonl", "p/" + kBase + "-1.jsonl"};
  for (const std::string& key : keys) Write(*staged, key, "rows");
  Write(*staged, "p/" + kBase + "_manifest.json", "manifest");
  std::set<std::string> before = Tree(dir.path() / "p");
  ASSERT_EQ(before.size(), 4u);  // the staging directory and its three files
  const std::string staging = *before.begin();
  EXPECT_EQ(staging.rfind(".bx-staging-" + kBase + "-", 0), 0u) << staging;
  for (const std::string& entry : before) EXPECT_EQ(entry.rfind(staging, 0), 0u) << entry;

  staged->Publish(keys, "p/" + kBase + "_manifest.json", true);
  EXPECT_EQ(Tree(dir.path() / "p"), (std::set<std::string>{kBase + "-0.jsonl", kBase + "-1.jsonl",
                                                           kBase + "_manifest.json"}));
}

// Small appends are buffered; one of a MiB or more (a Parquet column chunk) goes to the file at
// once, after what was buffered.
TEST(FileObjectStore, ALargeAppendIsWrittenAtOnceAfterTheBufferedBytes) {
  testing::TempDir dir;
  FileObjectStore store(dir.path());
  auto staged = store.Stage("p", kBase);
  auto sink = staged->Open("p/" + kBase + "-0.parquet");
  const std::string small = "head";
  const std::string large((1 << 20) + 3, 'x');
  sink->Append(small);
  fs::path file;
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
    if (e.is_regular_file()) file = e.path();
  }
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(fs::file_size(file), 0u);  // still buffered
  sink->Append(large);
  EXPECT_EQ(fs::file_size(file), small.size() + large.size());
  sink->Append(small);
  EXPECT_EQ(sink->BytesWritten(), 2 * small.size() + large.size());
  sink->Finish();
  EXPECT_EQ(Read(file), small + large + small);
}

TEST(FileObjectStore, DiscardLeavesNothing) {
  testing::TempDir dir;
  FileObjectStore store(dir.path());
  {
    auto staged = store.Stage("p", kBase);
    Write(*staged, "p/" + kBase + "-0.jsonl", "rows");
    auto open = staged->Open("p/" + kBase + "-1.jsonl");
    open->Append("half a file");
    open.reset();
    staged->Discard();
  }
  EXPECT_TRUE(Tree(dir.path() / "p").empty());
  {
    auto staged = store.Stage("p", kBase);
    Write(*staged, "p/" + kBase + "-0.jsonl", "rows");
  }  // destroyed without Publish
  EXPECT_TRUE(Tree(dir.path() / "p").empty());
}

// What a killed attempt left (its staging directory, a temporary file of an older version) and
// what an earlier, longer attempt wrote is removed by the next publish of the interval; other
// intervals' files and staging directories and unrelated files stay.
TEST(FileObjectStore, PublishRemovesEarlierAttemptsLeftoversOnly) {
  testing::TempDir dir;
  const std::string next = "2024-01-15T01:00:00+00:00-2024-01-15T02:00:00+00:00";
  const fs::path p = dir.path() / "p";
  fs::create_directories(p / (".bx-staging-" + kBase + "-0123abcd"));
  Touch(p / (".bx-staging-" + kBase + "-0123abcd") / (kBase + "-0.jsonl"));
  fs::create_directories(p / (".bx-staging-" + next + "-4567cdef"));
  Touch(p / (".bx-staging-" + next + "-4567cdef") / (next + "-0.jsonl"));
  for (const std::string& name : std::vector<std::string>{
           kBase + "-0.jsonl", kBase + "-1.jsonl", kBase + "-2.jsonl", kBase + "_manifest.json",
           "." + kBase + "-3.jsonl.tmp-4242-1", "." + kBase + "-0.jsonl", ".hidden-notes",
           next + "-0.jsonl", "unrelated.txt"}) {
    Touch(p / name);
  }
  FileObjectStore store(dir.path());
  Export(store, "p", {kBase + "-0.jsonl", kBase + "-1.jsonl"}, true);
  EXPECT_EQ(Tree(p),
            (std::set<std::string>{kBase + "-0.jsonl", kBase + "-1.jsonl", kBase + "_manifest.json",
                                   "." + kBase + "-0.jsonl", ".hidden-notes", next + "-0.jsonl",
                                   "unrelated.txt", ".bx-staging-" + next + "-4567cdef",
                                   ".bx-staging-" + next + "-4567cdef/" + next + "-0.jsonl"}));
  EXPECT_EQ(Read(p / (kBase + "-0.jsonl")), "rows of " + kBase + "-0.jsonl");
}

}  // namespace
}  // namespace bx
