// Export definitions as the API and `export --config` take them: the common fields (core) and
// each destination's own config (sink/<name>/), every mistake named by its field.
#include "sink/all/destinations.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "sink/file/file_destination.h"
#include "sink/s3/s3_destination.h"

namespace bx {
namespace {

nlohmann::json Valid() {
  return nlohmann::json::parse(R"({
    "name": "hourly", "model": "events", "interval": "hour",
    "destination": {"type": "File", "config": {
      "path": "/tmp/out", "prefix": "p/{year}", "file_format": "JSONLines",
      "compression": "gzip", "max_file_size_mb": 1, "exclude_events": ["$feature_flag_called"]}}})");
}

TEST(ExportDefinition, ParsesAValidDefinition) {
  const ExportDefinition def = ParseValidExport(Valid());
  EXPECT_EQ(def.name, "hourly");
  EXPECT_EQ(def.interval, IntervalKind::kHour);
  const auto file = ParseFileDestinationConfig(def.destination_config);
  EXPECT_EQ(file.path, "/tmp/out");
  EXPECT_EQ(file.output.keys.compression, Compression::kGzip);
  EXPECT_TRUE(file.output.keys.numbered);
  EXPECT_EQ(file.output.max_file_size_bytes, 1u << 20);
  EXPECT_EQ(def.exclude_events, std::vector<std::string>{"$feature_flag_called"});
}

TEST(ExportDefinition, ZeroOrNullMaxFileSizeMeansNoSplitting) {
  for (const nlohmann::json& v : {nlohmann::json(0), nlohmann::json(nullptr)}) {
    auto j = Valid();
    j["destination"]["config"]["max_file_size_mb"] = v;
    const auto def = ParseValidExport(j);
    const FileOutput output = ParseFileDestinationConfig(def.destination_config).output;
    EXPECT_FALSE(output.keys.numbered);
    EXPECT_FALSE(output.max_file_size_bytes);
  }
}

struct Mistake {
  std::string pointer;   // JSON pointer to change
  nlohmann::json value;  // null with remove=true removes the field
  bool remove;
  std::string field;  // must appear in the message
};

TEST(ExportDefinition, EveryMistakeNamesItsField) {
  const std::vector<Mistake> mistakes = {
      {"/name", nullptr, true, "name"},
      {"/name", 5, false, "name"},
      {"/interval", "fortnight", false, "interval"},
      {"/interval", nullptr, true, "interval"},
      {"/model", "sessionz", false, "model"},
      {"/timezone", "Mars/Olympus", false, "timezone"},
      // cctz also loads files by path: a FIFO there once hung the API.
      {"/timezone", "/etc/localtime", false, "timezone"},
      {"/timezone", "../../../../etc/localtime", false, "timezone"},
      {"/timezone", "Europe/../../../etc/localtime", false, "timezone"},
      {"/timezone", "UTC\n", false, "timezone"},
      {"/interval_offset", 3600, false, "interval_offset"},
      {"/team_id", "one", false, "team_id"},
      {"/start_at", "yesterday", false, "start_at"},
      {"/colour", "blue", false, "colour"},
      {"/destination", nullptr, true, "destination"},
      {"/destination/type", "Dropbox", false, "destination.type"},
      {"/destination/config", nullptr, true, "destination.config"},
      {"/destination/config/path", nullptr, true, "destination.config.path"},
      {"/destination/config/path", "", false, "destination.config.path"},
      {"/destination/config/file_format", "CSV", false, "destination.config.file_format"},
      {"/destination/config/compression", "snappy", false, "destination.config.compression"},
      {"/destination/config/compression", "rar", false, "destination.config.compression"},
      {"/destination/config/max_file_size_mb", -1, false, "destination.config.max_file_size_mb"},
      {"/destination/config/max_file_size_mb", "1", false, "destination.config.max_file_size_mb"},
      {"/destination/config/prefix", "../up", false, "destination.config.prefix"},
      {"/destination/config/include_events", "pageview", false,
       "destination.config.include_events"},
      {"/destination/config/exclude_events", nlohmann::json::array({1}), false,
       "destination.config.exclude_events[0]"},
      {"/destination/config/bucket_name", "b", false, "destination.config.bucket_name"},
      {"/destination/extra", 1, false, "destination.extra"},
  };
  for (const Mistake& m : mistakes) {
    nlohmann::json j = Valid();
    const nlohmann::json::json_pointer ptr(m.pointer);
    if (m.remove) {
      j[ptr.parent_pointer()].erase(ptr.back());
    } else {
      j[ptr] = m.value;
    }
    try {
      ParseValidExport(j);
      ADD_FAILURE() << "accepted " << m.pointer << " = " << m.value;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
      EXPECT_EQ(e.message().rfind(m.field + ":", 0), 0u) << m.pointer << " gave: " << e.message();
    }
  }
}

TEST(ExportDefinition, DayOffsetAndTimezoneAccepted) {
  auto j = Valid();
  j["interval"] = "day";
  j["timezone"] = "Europe/Berlin";
  j["interval_offset"] = 3600;
  const auto def = ParseValidExport(j);
  EXPECT_EQ(def.schedule().kind(), IntervalKind::kDay);
}

nlohmann::json WithDestination(const std::string& type, nlohmann::json config) {
  auto j = Valid();
  j["destination"] = {{"type", type}, {"config", std::move(config)}};
  return j;
}

std::string FieldError(const nlohmann::json& j) {
  try {
    ParseValidExport(j);
  } catch (const Error& e) {
    return e.message();
  }
  return "no error";
}

TEST(ExportDefinitionS3, ParsesBothS3Types) {
  const auto aws = ParseValidExport(WithDestination("S3", {{"bucket_name", "my-bucket"},
                                                           {"region", "eu-west-1"},
                                                           {"prefix", "e/{year}"},
                                                           {"compression", "zstd"},
                                                           {"max_file_size_mb", 100},
                                                           {"encryption", "aws:kms"},
                                                           {"kms_key_id", "k1"},
                                                           {"aws_access_key_id", "id"},
                                                           {"aws_secret_access_key", "s"},
                                                           {"aws_session_token", "t"}}));
  const auto s3 = ParseS3DestinationConfig(aws.destination_config, false);
  EXPECT_FALSE(s3.compatible);
  EXPECT_EQ(s3.region, "eu-west-1");
  EXPECT_EQ(s3.kms_key_id, "k1");
  EXPECT_EQ(s3.output.max_file_size_bytes, 100u << 20);

  const auto r2 = ParseValidExport(
      WithDestination("S3Compatible", {{"bucket_name", "b_1"},
                                       {"endpoint_url", "https://x.r2.example.com"},
                                       {"region", "auto"},
                                       {"use_virtual_style_addressing", true}}));
  const auto compatible = ParseS3DestinationConfig(r2.destination_config, true);
  EXPECT_TRUE(compatible.compatible);
  EXPECT_EQ(compatible.region, "auto");
  EXPECT_TRUE(compatible.use_virtual_style_addressing);
}

TEST(ExportDefinitionS3, MistakesNameTheirField) {
  const nlohmann::json compatible = {{"bucket_name", "bkt"}, {"endpoint_url", "http://h:9000"}};
  auto with = [](nlohmann::json c, const std::string& k, nlohmann::json v) {
    c[k] = std::move(v);
    return c;
  };
  const std::vector<std::pair<nlohmann::json, std::string>> cases = {
      {WithDestination("S3Compatible", with(compatible, "encryption", "AES256")),
       "destination.config.encryption: is only for S3 (AWS) destinations"},
      {WithDestination("S3Compatible", with(compatible, "kms_key_id", "k")),
       "destination.config.kms_key_id: is only for S3 (AWS) destinations"},
      {WithDestination("S3Compatible", with(compatible, "endpoint_url", "ftp://h")),
       "destination.config.endpoint_url: 'ftp://h' is not an http:// or https:// URL"},
      {WithDestination("S3Compatible", {{"bucket_name", "bkt"}}),
       "destination.config.endpoint_url"},
      {WithDestination(
           "S3", {{"bucket_name", "bkt"}, {"region", "us-east-1"}, {"endpoint_url", "http://h"}}),
       "destination.config.endpoint_url: is only for S3Compatible destinations"},
      {WithDestination("S3", {{"bucket_name", "Bad_Bucket"}, {"region", "us-east-1"}}),
       "destination.config.bucket_name: 'Bad_Bucket' is not a valid S3 bucket name"},
      {WithDestination("S3", {{"bucket_name", "bkt"}}), "destination.config.region"},
      {WithDestination("S3", {{"bucket_name", "bkt"}, {"region", "r"}, {"encryption", "rot13"}}),
       "destination.config.encryption: 'rot13'"},
      {WithDestination("S3", {{"bucket_name", "bkt"}, {"region", "r"}, {"kms_key_id", "k"}}),
       "destination.config.kms_key_id: needs encryption aws:kms"},
      {WithDestination("S3",
                       {{"bucket_name", "bkt"}, {"region", "r"}, {"aws_access_key_id", "id"}}),
       "destination.config.aws_secret_access_key"},
  };
  for (const auto& [json, expected] : cases) {
    EXPECT_NE(FieldError(json).find(expected), std::string::npos)
        << FieldError(json) << " lacks " << expected;
  }
}

// A newline in a prefix once made a directory with a newline in its name, and a NUL passed
// validation to fail at run time with a raw NUL in the message.
TEST(ExportDefinition, ControlCharactersInPrefixesPathsAndBucketsAreRefusedShownEscaped) {
  const nlohmann::json s3 = {{"bucket_name", "bkt"}, {"region", "us-east-1"}};
  const nlohmann::json compatible = {{"bucket_name", "bkt"}, {"endpoint_url", "http://h:9000"}};
  struct Case {
    nlohmann::json definition;
    std::string field;
    std::string shown;
  };
  auto with = [](nlohmann::json j, const std::string& pointer, const std::string& value) {
    j[nlohmann::json::json_pointer(pointer)] = value;
    return j;
  };
  const std::string nul("a\0b", 3);
  const std::vector<Case> cases = {
      {with(Valid(), "/destination/config/prefix", "events\n{year}"), "destination.config.prefix",
       "'events\\u000A{year}'"},
      {with(Valid(), "/destination/config/prefix", nul), "destination.config.prefix",
       "'a\\u0000b'"},
      {with(Valid(), "/destination/config/prefix", "x\x7f"), "destination.config.prefix",
       "'x\\u007F'"},
      {with(Valid(), "/destination/config/prefix", "tab\there"), "destination.config.prefix",
       "'tab\\u0009here'"},
      {with(Valid(), "/destination/config/path", "/tmp/out\r"), "destination.config.path",
       "'/tmp/out\\u000D'"},
      {with(WithDestination("S3", s3), "/destination/config/prefix", "p\n"),
       "destination.config.prefix", "'p\\u000A'"},
      {with(WithDestination("S3Compatible", compatible), "/destination/config/prefix", nul),
       "destination.config.prefix", "'a\\u0000b'"},
      {with(WithDestination("S3Compatible", compatible), "/destination/config/bucket_name",
            "bkt\n"),
       "destination.config.bucket_name", "'bkt\\u000A'"},
  };
  for (const Case& c : cases) {
    const std::string message = FieldError(c.definition);
    EXPECT_EQ(message.rfind(c.field + ": " + c.shown + " holds the control character U+", 0), 0u)
        << message;
    for (const char ch : message) {
      EXPECT_FALSE(static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
          << "a raw control character in: " << c.field;
    }
  }
  // Other characters, non-ASCII ones included, stay allowed.
  EXPECT_EQ(FieldError(with(Valid(), "/destination/config/prefix", "caf\u00e9 {year}/x y")),
            "no error");
}

}  // namespace
}  // namespace bx
