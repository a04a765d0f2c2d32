// The ingestion paths and the "no flags" answers, in the shape each SDK version reads.

#include "server/flags_response.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/ingest_paths.h"

namespace bx {
namespace {

using nlohmann::json;

TEST(IngestPaths, EverySdkPathWithAndWithoutTheSlash) {
  for (const char* p : {"/capture", "/batch", "/e", "/i/v0/e", "/track", "/engage"}) {
    EXPECT_EQ(ClassifyIngestPath(p), IngestPath::kCapture) << p;
    EXPECT_EQ(ClassifyIngestPath(std::string(p) + "/"), IngestPath::kCapture) << p;
  }
  for (const char* p : {"/decide", "/decide/", "/flags", "/flags/"}) {
    EXPECT_EQ(ClassifyIngestPath(p), IngestPath::kFlags) << p;
  }
  for (const char* p : {"/", "", "/api/batch_exports", "/healthz", "/e//", "/ee", "/i/v0",
                        "/capture/x", "/s/", "/flagsx"}) {
    EXPECT_EQ(ClassifyIngestPath(p), IngestPath::kNone) << p;
  }
}

TEST(NoFlags, DecideV1ListsNoKeys) {
  for (const char* v : {"", "1", "x"}) {
    const json body = json::parse(NoFlagsBody(true, v, false, "rid"));
    EXPECT_EQ(body["featureFlags"], json::array()) << v;
    EXPECT_EQ(body["errorsWhileComputingFlags"], false);
    EXPECT_EQ(body["requestId"], "rid");
    EXPECT_EQ(body["config"]["enable_collect_everything"], true);  // decide always has config
    EXPECT_EQ(body["sessionRecording"], false);
  }
}

TEST(NoFlags, LaterVersionsGetEveryShapeEmpty) {
  for (const char* v : {"2", "3", "4"}) {
    const json body = json::parse(NoFlagsBody(true, v, false, "rid"));
    EXPECT_EQ(body["featureFlags"], json::object()) << v;
    EXPECT_EQ(body["featureFlagPayloads"], json::object());
    EXPECT_EQ(body["flags"], json::object());
    EXPECT_EQ(body["errorsWhileComputingFlags"], false);
    EXPECT_EQ(body["supportedCompression"], json({"gzip", "gzip-js"}));
  }
  // /flags: the remote config only when asked for (config=true, as browser SDKs do).
  const json flags = json::parse(NoFlagsBody(false, "2", false, "rid"));
  EXPECT_EQ(flags["flags"], json::object());
  EXPECT_EQ(flags["featureFlags"], json::object());
  EXPECT_FALSE(flags.contains("config"));
  EXPECT_FALSE(flags.contains("sessionRecording"));
  const json with_config = json::parse(NoFlagsBody(false, "2", true, "rid"));
  EXPECT_EQ(with_config["siteApps"], json::array());
  EXPECT_EQ(with_config["surveys"], false);
}

}  // namespace
}  // namespace bx
