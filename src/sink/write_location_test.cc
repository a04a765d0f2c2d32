#include "sink/write_location.h"

#include <gtest/gtest.h>

namespace bx {
namespace {

WriteLocation At(const std::string& space, const std::string& prefix) {
  return {space, prefix, space + "/" + prefix};
}

struct Pair {
  WriteLocation a, b;
  bool overlap;
};

TEST(WriteLocation, OverlapWhenSomeRenderingsCouldShareADirectory) {
  const std::string data = "file:/data";
  const std::vector<Pair> cases = {
      // The same place, however spelled.
      {At(data, "events"), At(data, "events"), true},
      {At(data, "/events/"), At(data, "events"), true},
      {At(data, "a//./b"), At(data, "a/b/"), true},
      {At(data, ""), At(data, "/"), true},
      {At(data, "events/{year}"), At(data, "events/{year}"), true},
      // Templates: anything after the literal start may come out equal.
      {At(data, "events/{year}"), At(data, "events/{table}"), true},
      {At(data, "events/{year}"), At(data, "events/2024"), true},
      {At(data, "ev{year}"), At(data, "events"), true},
      {At(data, "{year}"), At(data, "anything/at/all"), true},
      {At(data, "{year}/{month}"), At(data, "x{day}"), true},
      // A directory of one export is never another's.
      {At(data, "events"), At(data, "events/2024"), false},
      {At(data, "events"), At(data, "events-2"), false},
      {At(data, ""), At(data, "{year}"), false},
      {At(data, "events"), At(data, "events/{year}"), false},
      {At(data, "a/{year}"), At(data, "b/{year}"), false},
      {At(data, "events/{year}"), At(data, "eventsx"), false},
      // Other key spaces; nested directories are one space.
      {At(data, "events"), At("file:/data2", "events"), false},
      {At(data, "{year}"), At("file:/data2", ""), false},
      {At(data, "out"), At("file:/data/out", ""), true},
      {At(data, "out/x"), At("file:/data/out", "x"), true},
      {At(data, "{year}"), At("file:/data/2024", ""), true},
      {At(data, "out"), At("file:/data/out", "{year}"), false},
      {At("s3:aws/b", "p"), At("s3:aws/b2", "p"), false},
      {At("s3:aws/b", "{year}"), At("s3:aws/b2", ""), false},
      {At("s3:aws/b", "p"), At("s3:http://h:9000/b", "p"), false},
  };
  for (const Pair& c : cases) {
    EXPECT_EQ(MayOverlap(c.a, c.b), c.overlap) << c.a.shown << " vs " << c.b.shown;
    EXPECT_EQ(MayOverlap(c.b, c.a), c.overlap) << c.b.shown << " vs " << c.a.shown;
  }
}

}  // namespace
}  // namespace bx
