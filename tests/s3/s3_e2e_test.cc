// The S3 destinations end to end against a real S3 server (radosgw, started by the `rgw` CTest
// fixture): the built binary exports, /usr/bin/aws downloads, the standard tools decompress.

#include <gtest/gtest.h>
#include <httplib.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <regex>
#include <set>
#include <thread>

#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "pipeline/export_run.h"
#include "rgw_support.h"
#include "sink/all/destinations.h"
#include "sink/s3/crypto.h"
#include "sink/s3/s3_client.h"
#include "source/embedded/event_store.h"
#include "testing/sanitizers.h"
#include "testing/scripted_faults.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using e2e::RunBinary;
using e2e::RunShell;
using e2e::ShellQuote;

constexpr char kDayStart[] = "2024-01-15T00:00:00Z";
constexpr char kDayEnd[] = "2024-01-16T00:00:00Z";
constexpr const char* kKey = testing::kRgwKey;
constexpr const char* kSecret = testing::kRgwSecret;

std::string ReadTrimmed(const fs::path& p) {
  std::string s = e2e::ReadFile(p);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

// The server's URLs, from the fixture's directory (or BX_TEST_S3_ENDPOINT for a server started
// by hand). Empty when there is none: the tests then fail saying so.
std::string RgwFile(const char* name) {
  const char* dir = std::getenv("BX_RGW_DIR");
  if (!dir) return "";
  return ReadTrimmed(fs::path(dir) / name);
}
std::string Endpoint() { return testing::RgwEndpoint(); }
std::string StsEndpoint() { return RgwFile("sts_endpoint"); }
std::string Port(const std::string& url) { return url.substr(url.rfind(':') + 1); }

std::string AwsEnv() {
  return "AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "
         "AWS_EC2_METADATA_DISABLED=true AWS_PAGER= AWS_DEFAULT_REGION=us-east-1 "
         "AWS_ACCESS_KEY_ID=" +
         std::string(kKey) + " AWS_SECRET_ACCESS_KEY=" + kSecret + " ";
}
std::string Aws(const std::string& args, const std::string& endpoint = Endpoint()) {
  return AwsEnv() + "/usr/bin/aws --endpoint-url " + endpoint + " " + args;
}

s3::S3Client Client(const std::string& bucket) { return testing::RgwClient(bucket); }

nlohmann::json Definition(const std::string& type, nlohmann::json config,
                          const std::string& interval = "hour") {
  return {{"name", "s3 e2e"},
          {"interval", interval},
          {"destination", {{"type", type}, {"config", std::move(config)}}}};
}

nlohmann::json Compatible(const std::string& bucket, const std::string& compression,
                          std::optional<double> max_mb, const std::string& endpoint = Endpoint()) {
  nlohmann::json c = {{"bucket_name", bucket},
                      {"endpoint_url", endpoint},
                      {"aws_access_key_id", kKey},
                      {"aws_secret_access_key", kSecret},
                      {"prefix", "events/{year}-{month}-{day}"},
                      {"file_format", "JSONLines"},
                      {"compression", compression}};
  if (max_mb) c["max_file_size_mb"] = *max_mb;
  return c;
}

class S3E2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    store_ = dir_->path() / "events.db";
    const auto r = RunBinary({"events", "generate", "--source", store_.string(), "--count",
                              "200000", "--start", kDayStart, "--end", kDayEnd, "--seed", "11"});
    ASSERT_EQ(r.status, 0) << r.output;
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    ASSERT_FALSE(Endpoint().empty())
        << "no S3 server: these tests need radosgw, which ctest starts through the `rgw` "
           "fixture (scripts/start-rgw <dir> auto; BX_RGW_DIR=<dir>), or set "
           "BX_TEST_S3_ENDPOINT. CI="
        << (std::getenv("CI") ? std::getenv("CI") : "");
    const auto ping = RunShell("curl -s -o /dev/null -w '%{http_code}' " + Endpoint() + "/");
    ASSERT_EQ(ping.output, "200") << "S3 server at " << Endpoint() << " does not answer";
  }

  // A fresh bucket named after the test.
  std::string Bucket(const std::string& suffix = "") {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "bx-" + std::string(info->name()) + suffix;
    std::string out;
    for (char c : name) {
      out += std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '-';
    }
    out = out.substr(0, 63);
    while (out.back() == '-') out.pop_back();
    testing::FreshBucket(out);
    return out;
  }

  static fs::path WriteConfig(const std::string& name, const nlohmann::json& config) {
    const fs::path p = dir_->path() / (name + ".json");
    e2e::WriteFile(p, config.dump(2));
    return p;
  }

  static e2e::CommandResult Export(const fs::path& config, const std::string& env = "",
                                   const std::string& start = kDayStart,
                                   const std::string& end = kDayEnd) {
    return RunShell(env + ShellQuote(BX_BINARY) + " export --source " + ShellQuote(store_) +
                    " --config " + ShellQuote(config) + " --start " + start + " --end " + end);
  }

  // Downloads a bucket with awscli into a fresh directory.
  static fs::path Download(const std::string& bucket, const std::string& name) {
    const fs::path out = dir_->path() / ("download-" + name);
    fs::remove_all(out);
    const auto r = RunShell(
        Aws("s3 cp --no-progress --recursive s3://" + bucket + " " + ShellQuote(out.string())));
    EXPECT_EQ(r.status, 0) << r.output;
    return out;
  }

  static testing::TempDir* dir_;
  static fs::path store_;
};
testing::TempDir* S3E2E::dir_ = nullptr;
fs::path S3E2E::store_;

// ---------------------------------------------------------------------------------------------
// 200k events, JSONL × every compression × (split at 1 MiB, one file per interval).

struct Layout {
  std::string compression;
  bool split;
  std::string format = "JSONLines";
  double split_mb = 1;
};

void PrintTo(const Layout& layout, std::ostream* os) {
  *os << layout.format << " " << (layout.compression.empty() ? "none" : layout.compression)
      << (layout.split ? ", split at " + std::to_string(layout.split_mb) + " MiB" : ", whole");
}

class S3ExportMatrix : public S3E2E, public ::testing::WithParamInterface<Layout> {};

TEST_P(S3ExportMatrix, KeysRowsManifestsAndBytesMatchTheFileExport) {
  const Layout layout = GetParam();
  const std::optional<double> max_mb =
      layout.split ? std::optional<double>(layout.split_mb) : std::nullopt;
  const std::string bucket = Bucket();
  nlohmann::json s3_config = Compatible(bucket, layout.compression, max_mb);
  s3_config["file_format"] = layout.format;
  const auto s3 = Export(WriteConfig(bucket, Definition("S3Compatible", s3_config)));
  ASSERT_EQ(s3.status, 0) << s3.output;
  ASSERT_NE(s3.output.find("24 runs, 0 failed: 200,000 rows"), std::string::npos) << s3.output;

  // The same definition to a File destination: keys are the same strings.
  nlohmann::json file_config = s3_config;
  for (const char* k :
       {"bucket_name", "endpoint_url", "aws_access_key_id", "aws_secret_access_key"}) {
    file_config.erase(k);
  }
  const fs::path file_dir = dir_->path() / ("file-" + bucket);
  fs::remove_all(file_dir);
  file_config["path"] = file_dir.string();
  const auto file = Export(WriteConfig(bucket + "-file", Definition("File", file_config)));
  ASSERT_EQ(file.status, 0) << file.output;

  auto keys = Client(bucket).ListAllKeys("");
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> expected;
  for (const auto& [path, size] : e2e::ListFiles(file_dir)) expected.push_back(path);
  EXPECT_EQ(keys, expected);

  const bool parquet = layout.format == "Parquet";
  const std::string ext = parquet ? std::string(".parquet")
                                  : ".jsonl" + std::string(layout.compression.empty() ? "" : ".") +
                                        (layout.compression == "gzip"     ? "gz"
                                         : layout.compression == "zstd"   ? "zst"
                                         : layout.compression == "brotli" ? "br"
                                                                          : layout.compression);
  const std::regex data_key(
      "events/2024-01-1[56]/2024-01-15T(\\d\\d):00:00\\+00:00-2024-01-1[56]T\\d\\d:00:00\\+00:00" +
      std::string(layout.split ? "-(\\d+)" : "") +
      std::regex_replace(ext, std::regex("\\."), "\\."));
  const std::regex manifest_key(
      "events/2024-01-1[56]/2024-01-15T\\d\\d:00:00\\+00:00-2024-01-1[56]T\\d\\d:00:00\\+00:00_"
      "manifest\\.json");
  size_t manifests = 0;
  for (const std::string& key : keys) {
    if (std::regex_match(key, manifest_key)) {
      ++manifests;
      continue;
    }
    EXPECT_TRUE(std::regex_match(key, data_key)) << key;
  }
  EXPECT_EQ(manifests, layout.split ? 24u : 0u);

  const fs::path downloaded = Download(bucket, bucket);
  std::multiset<std::string> uuids;
  if (parquet) {
    // DuckDB, an independent reader, dumps each downloaded file's rows beside it.
    std::string dump =
        "node " + ShellQuote(std::string(BX_SOURCE_DIR) + "/tools/node/parquet_dump.mjs");
    for (const std::string& key : keys) {
      if (!std::regex_match(key, manifest_key))
        dump += " " + ShellQuote((downloaded / key).string());
    }
    const auto r = RunShell(dump);
    ASSERT_EQ(r.status, 0) << r.output;
  }
  for (const std::string& key : keys) {
    const fs::path got = downloaded / key;
    EXPECT_EQ(e2e::ReadFile(got), e2e::ReadFile(file_dir / key)) << key << " differs";
    if (std::regex_match(key, manifest_key)) {
      const auto manifest = nlohmann::json::parse(e2e::ReadFile(got));
      for (const auto& listed : manifest["files"]) {
        EXPECT_TRUE(std::binary_search(keys.begin(), keys.end(), listed.get<std::string>()));
      }
      continue;
    }
    const std::string text =
        parquet ? e2e::ReadFile(got.string() + ".duckdb.rows.ndjson") : e2e::Decompress(got);
    for (const std::string& line : e2e::Lines(text)) {
      uuids.insert(e2e::JsonStringField(line, "uuid"));
    }
  }
  EXPECT_EQ(uuids, e2e::StoreUuids(store_));  // every row exactly once
}

INSTANTIATE_TEST_SUITE_P(JsonLines, S3ExportMatrix,
                         ::testing::Values(Layout{"", true}, Layout{"", false},
                                           Layout{"gzip", true}, Layout{"gzip", false},
                                           Layout{"zstd", true}, Layout{"zstd", false},
                                           Layout{"brotli", true}, Layout{"brotli", false},
                                           Layout{"lz4", true}, Layout{"lz4", false}),
                         [](const auto& info) {
                           return (info.param.compression.empty() ? std::string("none")
                                                                  : info.param.compression) +
                                  (info.param.split ? "_split1MiB" : "_whole");
                         });

// Parquet compresses pages inside the file: every codec whole, and zstd split at 1 and 2 MiB.
INSTANTIATE_TEST_SUITE_P(
    Parquet, S3ExportMatrix,
    ::testing::Values(Layout{"", false, "Parquet"}, Layout{"zstd", false, "Parquet"},
                      Layout{"snappy", false, "Parquet"}, Layout{"gzip", false, "Parquet"},
                      Layout{"brotli", false, "Parquet"}, Layout{"lz4", false, "Parquet"},
                      Layout{"zstd", true, "Parquet", 1}, Layout{"zstd", true, "Parquet", 2}),
    [](const auto& info) {
      return (info.param.compression.empty() ? std::string("none") : info.param.compression) +
             (info.param.split
                  ? "_split" + std::to_string(static_cast<int>(info.param.split_mb)) + "MiB"
                  : "_whole");
    });

// ---------------------------------------------------------------------------------------------

// The persons and sessions models through both S3 destination types in both formats: the
// objects are byte for byte the files a File export of the same definition writes (whose
// contents the models' own tests check, DuckDB reading the Parquet).
TEST_F(S3E2E, PersonsAndSessionsReachBothS3TypesInBothFormats) {
  constexpr char kEnd[] = "2024-01-15T06:00:00Z";
  const std::string env = "AWS_ENDPOINT_URL_S3=" + Endpoint() + " ";
  const std::string bucket = Bucket();
  auto client = Client(bucket);
  for (const std::string model : {"persons", "sessions"}) {
    for (const auto& [format, compression] :
         {std::pair<std::string, std::string>("JSONLines", "gzip"), {"Parquet", "zstd"}}) {
      const std::string prefix = model + "-" + format;
      nlohmann::json file_config = {{"path", (dir_->path() / ("file-" + prefix)).string()},
                                    {"prefix", prefix},
                                    {"file_format", format},
                                    {"compression", compression}};
      nlohmann::json file_def = Definition("File", file_config);
      file_def["model"] = model;
      const auto file = Export(WriteConfig(prefix + "-file", file_def), "", kDayStart, kEnd);
      ASSERT_EQ(file.status, 0) << file.output;
      std::map<std::string, std::string> expected;
      for (const auto& [path, size] : e2e::ListFiles(file_config["path"].get<std::string>())) {
        expected[path] = e2e::ReadFile(fs::path(file_config["path"].get<std::string>()) / path);
      }
      ASSERT_EQ(expected.size(), 6u) << prefix << ": one file an hour";

      for (const std::string type : {"S3", "S3Compatible"}) {
        nlohmann::json c = Compatible(bucket, compression, std::nullopt);
        c["file_format"] = format;
        c["prefix"] = type + "/" + prefix;
        if (type == "S3") {  // the endpoint from the environment, as for AWS itself
          c.erase("endpoint_url");
          c["region"] = "us-east-1";
        }
        nlohmann::json def = Definition(type, c);
        def["model"] = model;
        const auto r = Export(WriteConfig(type + "-" + prefix, def), env, kDayStart, kEnd);
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("6 runs, 0 failed"), std::string::npos) << r.output;
        const auto keys = client.ListAllKeys(type + "/" + prefix + "/");
        ASSERT_EQ(keys.size(), expected.size()) << type << " " << prefix;
        for (const std::string& key : keys) {
          const std::string name = key.substr(type.size() + 1);
          ASSERT_TRUE(expected.contains(name)) << key;
          EXPECT_EQ(client.GetObject(key), expected[name]) << key << " differs from the file";
        }
      }
    }
  }
}

TEST_F(S3E2E, RerunReplacesObjectsAndRemovesStaleOnes) {
  const std::string bucket = Bucket();
  const fs::path config =
      WriteConfig(bucket, Definition("S3Compatible", Compatible(bucket, "zstd", 1)));
  ASSERT_EQ(Export(config).status, 0);
  auto client = Client(bucket);
  const auto first = client.ListAllKeys("");
  // What an earlier, larger attempt at the first hour might have left.
  const std::string stale =
      "events/2024-01-15/2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00-7.jsonl.zst";
  client.PutObject(stale, "stale");
  const auto r = Export(config);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(client.ListAllKeys(""), first);
}

// A run that fails mid-interval leaves nothing in the bucket: its finished files were held or
// open multipart uploads, invisible, and are aborted. The next run of an interval aborts the
// uploads a killed run left and removes an earlier attempt's extra objects; a reader that sees
// the manifest sees every file it lists.
TEST_F(S3E2E, StagedPublishShowsNothingOfAFailedRunAndCleansUpAKilledOne) {
  const std::string bucket = Bucket();
  auto client = Client(bucket);
  for (const auto& upload : client.ListMultipartUploads("")) {
    client.AbortMultipartUpload(upload.key, upload.upload_id);
  }
  // 5 MiB parts: about ten 0.5 MiB files are held in memory, the later ones are multipart
  // uploads left open until the publish.
  ::setenv("BATCH_EXPORT_S3_PART_SIZE_MB", "5", 1);
  struct Unset {
    ~Unset() { ::unsetenv("BATCH_EXPORT_S3_PART_SIZE_MB"); }
  } unset;
  nlohmann::json config = Compatible(bucket, "", 0.5);
  config["prefix"] = "staged";
  const ExportDefinition def = ParseValidExport(Definition("S3Compatible", config));
  auto destination = MakeDestination(def);
  const Interval hour{ParseIsoTime(kDayStart, "start"),
                      ParseIsoTime("2024-01-15T01:00:00Z", "end")};
  const std::string base = "2024-01-15T00:00:00+00:00-2024-01-15T01:00:00+00:00";

  testing::FailingAfterSource failing(std::make_shared<EmbeddedSource>(store_), 7,
                                      Error(ErrorKind::kRetryable, "ConnectionError", "gone"));
  EXPECT_THROW(ExportInterval(def, hour, failing, *destination), Error);
  EXPECT_EQ(client.ListAllKeys(""), std::vector<std::string>{});
  EXPECT_TRUE(client.ListMultipartUploads("").empty());

  // What a killed run left: an open upload; what an earlier, longer attempt left: an object.
  const std::string left_key = "staged/" + base + "-3.jsonl";
  const std::string upload_id = client.CreateMultipartUpload(left_key);
  client.UploadPart(left_key, upload_id, 1, "half a file", s3::Md5("half a file"));
  client.PutObject("staged/" + base + "-90.jsonl", "earlier attempt");
  EmbeddedSource source(store_);
  const RunResult result = ExportInterval(def, hour, source, *destination);
  ASSERT_GT(result.files.size(), 12u);
  EXPECT_TRUE(client.ListMultipartUploads("").empty());
  const auto manifest =
      nlohmann::json::parse(client.GetObject("staged/" + base + "_manifest.json"));
  std::vector<std::string> expected = manifest["files"];
  expected.push_back("staged/" + base + "_manifest.json");
  std::sort(expected.begin(), expected.end());
  auto keys = client.ListAllKeys("");
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, expected);
  size_t multipart = 0;
  for (const auto& f : manifest["file_details"]) {
    const auto head = client.HeadObject(f["key"]);
    EXPECT_EQ(head.Header("content-length"), std::to_string(f["bytes"].get<uint64_t>()))
        << f["key"];
    multipart += head.Header("etag").value_or("").find('-') != std::string::npos;
  }
  // Both ways of staging were taken: held bodies (PUT at publish) and open multipart uploads.
  EXPECT_GT(multipart, 0u);
  EXPECT_LT(multipart, result.files.size());
}

TEST_F(S3E2E, VirtualHostAddressingOnALocalhostName) {
  const std::string bucket = Bucket();
  const std::string endpoint = "http://localhost:" + Port(Endpoint());
  nlohmann::json c = Compatible(bucket, "gzip", std::nullopt, endpoint);
  c["use_virtual_style_addressing"] = true;
  const auto r = Export(WriteConfig(bucket, Definition("S3Compatible", c)), "", kDayStart,
                        "2024-01-15T02:00:00Z");
  ASSERT_EQ(r.status, 0) << r.output;
  // radosgw saw bucket.localhost as the bucket (rgw dns name = localhost): the objects are there.
  EXPECT_EQ(Client(bucket).ListAllKeys("").size(), 2u);
  const auto log = RunShell("grep -c 'GET /?list-type=2' " +
                            ShellQuote(std::string(std::getenv("BX_RGW_DIR") ?: "/nonexistent") +
                                       "/log/client.rgw.a.log"));
  EXPECT_NE(log.output, "0\n") << "no virtual-host style request in the radosgw log";
}

TEST_F(S3E2E, SessionTokenCredentials) {
  ASSERT_FALSE(StsEndpoint().empty()) << "the rgw fixture has no STS gateway";
  const std::string bucket = Bucket();
  const auto token = RunShell(Aws("sts get-session-token --output json", StsEndpoint()));
  ASSERT_EQ(token.status, 0) << token.output;
  const auto creds = nlohmann::json::parse(token.output)["Credentials"];
  nlohmann::json c = Compatible(bucket, "zstd", std::nullopt, StsEndpoint());
  c["aws_access_key_id"] = creds["AccessKeyId"];
  c["aws_secret_access_key"] = creds["SecretAccessKey"];
  c["aws_session_token"] = creds["SessionToken"];
  const auto ok = Export(WriteConfig(bucket, Definition("S3Compatible", c)), "", kDayStart,
                         "2024-01-15T01:00:00Z");
  ASSERT_EQ(ok.status, 0) << ok.output;
  EXPECT_EQ(Client(bucket).ListAllKeys("").size(), 1u);
  // The token is part of what is signed and checked: without it the same keys are refused.
  c.erase("aws_session_token");
  const auto refused = Export(WriteConfig(bucket + "-notoken", Definition("S3Compatible", c)), "",
                              kDayStart, "2024-01-15T01:00:00Z");
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_EQ(refused.output.find(creds["SecretAccessKey"].get<std::string>()), std::string::npos);
  EXPECT_EQ(refused.output.find(creds["SessionToken"].get<std::string>()), std::string::npos);
}

TEST_F(S3E2E, SseKmsOnSinglePutAndMultipart) {
  const std::string bucket = Bucket();
  nlohmann::json c = {{"bucket_name", bucket},     {"region", "us-east-1"},
                      {"aws_access_key_id", kKey}, {"aws_secret_access_key", kSecret},
                      {"prefix", "kms"},           {"encryption", "aws:kms"},
                      {"kms_key_id", "testkey-1"}};
  // A 5 MiB part size makes the uncompressed hour (about 10 MB) a multipart upload; the
  // gzip hour stays a single PUT.
  const std::string env = "AWS_ENDPOINT_URL_S3=" + Endpoint() + " BATCH_EXPORT_S3_PART_SIZE_MB=5 ";
  auto r = Export(WriteConfig(bucket, Definition("S3", c)), env, kDayStart, "2024-01-15T01:00:00Z");
  ASSERT_EQ(r.status, 0) << r.output;
  c["compression"] = "gzip";
  c["prefix"] = "kms-gz";  // its own prefix: the rerun of the hour would replace the other file
  r = Export(WriteConfig(bucket + "-gz", Definition("S3", c)), env, kDayStart,
             "2024-01-15T01:00:00Z");
  ASSERT_EQ(r.status, 0) << r.output;
  auto client = Client(bucket);
  const auto keys = client.ListAllKeys("");
  ASSERT_EQ(keys.size(), 2u);
  bool saw_multipart = false;
  for (const std::string& key : keys) {
    const auto head = client.HeadObject(key);
    EXPECT_EQ(head.Header("x-amz-server-side-encryption"), "aws:kms") << key;
    EXPECT_EQ(head.Header("x-amz-server-side-encryption-aws-kms-key-id"), "testkey-1") << key;
    saw_multipart |= head.Header("etag").value_or("").find('-') != std::string::npos;
  }
  EXPECT_TRUE(saw_multipart);
  // And the bytes come back decrypted and whole.
  const fs::path downloaded = Download(bucket, bucket);
  for (const std::string& key : keys) {
    EXPECT_GT(e2e::Lines(e2e::Decompress(downloaded / key)).size(), 8000u) << key;
  }
}

// Wrong secret, missing bucket, bad endpoint: typed, not retried, nothing left behind.
TEST_F(S3E2E, RefusalsFailTheRunWithTheirTypeWithoutRetries) {
  const std::string bucket = Bucket();
  struct Case {
    std::string name;
    nlohmann::json config;
    std::string expected;
  };
  nlohmann::json wrong_secret = Compatible(bucket, "zstd", 1);
  wrong_secret["aws_secret_access_key"] = "WRONG-SECRET-xyz";
  nlohmann::json missing_bucket = Compatible("bx-no-such-bucket", "zstd", 1);
  // An endpoint that answers, but not as S3.
  httplib::Server not_s3;
  not_s3.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>not found</html>", "text/html");
  });
  const int not_s3_port = not_s3.bind_to_any_port("127.0.0.1");
  std::thread not_s3_thread([&] { not_s3.listen_after_bind(); });
  struct StopServer {
    httplib::Server& server;
    std::thread& thread;
    ~StopServer() {
      server.stop();
      thread.join();
    }
  } stop_not_s3{not_s3, not_s3_thread};
  nlohmann::json bad_endpoint =
      Compatible(bucket, "zstd", 1, "http://127.0.0.1:" + std::to_string(not_s3_port));
  const std::vector<Case> cases = {
      {"wrong-secret", wrong_secret, "Failed  SignatureDoesNotMatch: "},
      {"missing-bucket", missing_bucket, "Failed  NoSuchBucket: "},
      {"bad-endpoint", bad_endpoint, "Failed  InvalidS3EndpointError: "},
  };
  for (const Case& c : cases) {
    const fs::path config = WriteConfig(c.name, Definition("S3Compatible", c.config));
    const auto r =
        RunShell("BATCH_EXPORT_LOG_LEVEL=debug " + ShellQuote(BX_BINARY) + " export --source " +
                 ShellQuote(store_) + " --config " + ShellQuote(config) + " --start " + kDayStart +
                 " --end 2024-01-15T02:00:00Z");
    EXPECT_EQ(r.status, 1) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.name << ": " << r.output;
    EXPECT_EQ(r.output.find("retrying"), std::string::npos) << c.name << " was retried";
    EXPECT_EQ(r.output.find("WRONG-SECRET-xyz"), std::string::npos) << "secret in output";
    EXPECT_EQ(r.output.find(kSecret), std::string::npos) << "secret in output";
    const auto check = RunBinary({"check", "--config", config.string()});
    EXPECT_EQ(check.status, 1) << check.output;
    EXPECT_NE(check.output.find(c.expected.substr(8)), std::string::npos) << check.output;
  }
  auto client = Client(bucket);
  EXPECT_TRUE(client.ListAllKeys("").empty());
  EXPECT_TRUE(client.ListMultipartUploads("").empty());
}

// A host that does not resolve may be a DNS outage: retried (here twice, to be quick), then the
// run fails with the host named. It was a non-retryable InvalidS3EndpointError.
TEST_F(S3E2E, ANameThatDoesNotResolveIsRetriedAndNamed) {
  const std::string bucket = Bucket();
  const fs::path config = WriteConfig(
      "dns", Definition("S3Compatible",
                        Compatible(bucket, "zstd", 1, "http://s3.no-such-host.invalid:9000")));
  const auto r =
      RunShell("BATCH_EXPORT_S3_MAX_ATTEMPTS=2 " + ShellQuote(BX_BINARY) + " export --source " +
               ShellQuote(store_) + " --config " + ShellQuote(config) + " --start " + kDayStart +
               " --end 2024-01-15T01:00:00Z");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("Failed  ConnectionError: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("s3.no-such-host.invalid"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gave up after 2 attempts"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("InvalidS3EndpointError"), std::string::npos) << r.output;
}

TEST_F(S3E2E, CheckPassesOnAGoodDestination) {
  const std::string bucket = Bucket();
  const auto r = RunBinary(
      {"check", "--config",
       WriteConfig(bucket, Definition("S3Compatible", Compatible(bucket, "", 1))).string()});
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("OK  S3Compatible destination s3://" + bucket), std::string::npos);
  EXPECT_TRUE(Client(bucket).ListAllKeys("").empty()) << "the probe object stayed";
}

// ---------------------------------------------------------------------------------------------

struct Proxy {
  pid_t pid = -1;
  std::string url;
  fs::path log;
  ~Proxy() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

// Starts tests/s3/fault_proxy.mjs in front of the server.
std::unique_ptr<Proxy> StartFaultProxy(const fs::path& dir, double fraction, int seed) {
  auto proxy = std::make_unique<Proxy>();
  proxy->log = dir / ("proxy-" + std::to_string(seed) + ".log");
  const std::string script = std::string(BX_SOURCE_DIR) + "/tests/s3/fault_proxy.mjs";
  proxy->pid = ::fork();
  if (proxy->pid == 0) {
    const int fd = ::open(proxy->log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::execlp("node", "node", script.c_str(), "0", Port(Endpoint()).c_str(),
             std::to_string(fraction).c_str(), std::to_string(seed).c_str(), nullptr);
    ::_exit(127);
  }
  for (int i = 0; i < 100; ++i) {
    const std::string out = e2e::ReadFile(proxy->log);
    const size_t at = out.find("listening ");
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      proxy->url = "http://127.0.0.1:" + std::to_string(std::atoi(out.c_str() + at + 10));
      return proxy;
    }
    ::usleep(100'000);
  }
  ADD_FAILURE() << "fault proxy did not start: " << e2e::ReadFile(proxy->log);
  return proxy;
}

TEST_F(S3E2E, ExportsCompleteByteIdenticalThroughTwentyPercentFaults) {
  const std::string clean_bucket = Bucket("-clean");
  const std::string faulty_bucket = Bucket("-faulty");
  auto proxy = StartFaultProxy(dir_->path(), 0.2, 7);
  ASSERT_FALSE(proxy->url.empty());
  // Split zstd files (single PUTs, manifests, deletes) and one whole uncompressed day in 5 MiB
  // parts (multipart with parts in flight).
  for (const auto& [name, compression, max_mb, interval] :
       std::vector<std::tuple<std::string, std::string, std::optional<double>, std::string>>{
           {"split", "zstd", 1.0, "hour"}, {"whole", "", std::nullopt, "day"}}) {
    const std::string env = "BATCH_EXPORT_S3_PART_SIZE_MB=5 ";
    nlohmann::json clean = Compatible(clean_bucket, compression, max_mb);
    nlohmann::json faulty = Compatible(faulty_bucket, compression, max_mb, proxy->url);
    clean["prefix"] = faulty["prefix"] = name;
    const auto a =
        Export(WriteConfig("clean-" + name, Definition("S3Compatible", clean, interval)), env);
    ASSERT_EQ(a.status, 0) << a.output;
    const auto b =
        Export(WriteConfig("faulty-" + name, Definition("S3Compatible", faulty, interval)), env);
    ASSERT_EQ(b.status, 0) << b.output;
    EXPECT_EQ(b.output.find("Failed"), std::string::npos) << b.output;
  }
  ::kill(proxy->pid, SIGTERM);
  ::waitpid(proxy->pid, nullptr, 0);
  proxy->pid = -1;
  const auto counts = nlohmann::json::parse(e2e::Lines(e2e::ReadFile(proxy->log)).back());
  const int faults = counts["InternalError"].get<int>() + counts["SlowDown"].get<int>() +
                     counts["ServiceUnavailable"].get<int>() + counts["reset"].get<int>();
  EXPECT_GT(faults, 20) << counts.dump();
  EXPECT_GT(counts["reset"].get<int>(), 0) << counts.dump();

  const fs::path clean_dir = Download(clean_bucket, "clean");
  const fs::path faulty_dir = Download(faulty_bucket, "faulty");
  const auto clean_files = e2e::ListFiles(clean_dir);
  ASSERT_GT(clean_files.size(), 24u);
  EXPECT_EQ(e2e::ListFiles(faulty_dir), clean_files);
  for (const auto& [path, size] : clean_files) {
    EXPECT_EQ(e2e::ReadFile(faulty_dir / path), e2e::ReadFile(clean_dir / path)) << path;
  }
  EXPECT_TRUE(Client(faulty_bucket).ListMultipartUploads("").empty());
}

// 300 MiB through the object sink with 4 parts of 8 MiB in flight: the process's peak RSS
// stays under 64 MiB + 4 × 8 MiB (twice that under AddressSanitizer, with its quarantine of freed
// blocks cut to 8 MiB: its shadow memory and allocator take their share).
TEST_F(S3E2E, LargeUploadKeepsPeakMemoryBounded) {
  const std::string bucket = Bucket();
  const std::string asan =
      testing::kAddressSanitizer ? "ASAN_OPTIONS=\"$ASAN_OPTIONS:quarantine_size_mb=8\" " : "";
  const long limit_kib = (64 + 4 * 8) * 1024 * (testing::kAddressSanitizer ? 2 : 1);
  const auto r = RunShell(AwsEnv() + asan + ShellQuote(BX_S3_PUT_TOOL) + " " + Endpoint() + " " +
                          bucket + " big/300MiB.bin 300 8 4");
  ASSERT_EQ(r.status, 0) << r.output;
  const std::smatch m = [&] {
    std::smatch match;
    std::regex_search(r.output, match, std::regex("peak_rss_kib=(\\d+)"));
    return match;
  }();
  ASSERT_EQ(m.size(), 2u) << r.output;
  const long peak_kib = std::stol(m[1]);
  std::printf("300 MiB upload: %s", r.output.c_str());
  EXPECT_LT(peak_kib, limit_kib) << r.output;
  auto client = Client(bucket);
  const auto head = client.HeadObject("big/300MiB.bin");
  EXPECT_EQ(head.Header("content-length"), std::to_string(300ull << 20));
  EXPECT_NE(head.Header("etag").value_or("").find("-38"), std::string::npos)
      << "expected 38 parts of 8 MiB: " << head.Header("etag").value_or("");
  client.DeleteObject("big/300MiB.bin");  // the server keeps objects in memory
}

}  // namespace
}  // namespace bx
