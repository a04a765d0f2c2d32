// The Snowflake destination's config, key-pair JWT and statements.
#include <gtest/gtest.h>

#include "base/error.h"
#include "core/schemas.h"
#include "sink/snowflake/snowflake_api.h"
#include "sink/snowflake/snowflake_config.h"
#include "sink/snowflake/snowflake_jwt.h"
#include "sink/snowflake/snowflake_sql.h"
#include "testing/rsa_test_keys.h"

namespace bx {
namespace {

const std::string& Key() {
  static const std::string pem = testing::NewRsaKeyPem();
  return pem;
}

nlohmann::json Valid() {
  return {{"account", "xy12345.us-east-1"},
          {"user", "exporter"},
          {"private_key", Key()},
          {"database", "ANALYTICS"},
          {"schema", "POSTHOG"},
          {"warehouse", "LOAD_WH"},
          {"role", "LOADER"}};
}

using testing::Base64UrlDecode;

TEST(SnowflakeConfig, ReadsTheFieldsAndDerivesTheJwtAccount) {
  const SnowflakeConfig c = ParseSnowflakeConfig(Valid());
  EXPECT_EQ(c.JwtAccount(), "XY12345");
  EXPECT_EQ(c.table_name, "events");
  EXPECT_EQ(c.api_base_url, "https://xy12345.us-east-1.snowflakecomputing.com");
  EXPECT_EQ(c.Where(), "snowflake:ANALYTICS.POSTHOG.events");
  nlohmann::json org = Valid();
  org["account"] = "myorg-acct_1";
  EXPECT_EQ(ParseSnowflakeConfig(org).JwtAccount(), "MYORG-ACCT_1");
}

TEST(SnowflakeConfig, RefusesWhatItCannotUseNamingTheField) {
  auto expect_invalid = [](nlohmann::json config, const std::string& field,
                           const std::string& says) {
    try {
      ParseSnowflakeConfig(config);
      FAIL() << field;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
      EXPECT_NE(e.message().find("destination.config." + field), std::string::npos) << e.message();
      EXPECT_NE(e.message().find(says), std::string::npos) << e.message();
      EXPECT_EQ(e.message().find("PRIVATE KEY"), std::string::npos);
    }
  };
  nlohmann::json c = Valid();
  c["password"] = "hunter2";
  expect_invalid(c, "password", "takes no passwords");
  c = Valid();
  c["table_name"] = "events\"; DROP TABLE x; --";
  expect_invalid(c, "table_name", "not a Snowflake identifier");
  c = Valid();
  c["account"] = "acct/../x";
  expect_invalid(c, "account", "not a Snowflake account identifier");
  c = Valid();
  c.erase("warehouse");
  expect_invalid(c, "warehouse", "required");
  c = Valid();
  c["private_key"] = "not a key";
  expect_invalid(c, "private_key", "not a PEM private key");
  c = Valid();
  c["stage"] = {{"bucket_name", "bx-stage"}, {"region", "us-east-1"}};
  expect_invalid(c, "stage.storage_integration", "is required unless");
  c["stage"]["compression"] = "zstd";
  expect_invalid(c, "stage.compression", "is fixed");
  c["stage"] = "s3://b";
  expect_invalid(c, "stage", "must be an object");
  c["stage"] = {
      {"bucket_name", "bx-stage"}, {"region", "us-east-1"}, {"storage_integration", "a b"}};
  expect_invalid(c, "stage.storage_integration", "not a Snowflake identifier");
}

TEST(SnowflakeConfig, AStageWritesGzipJsonLinesForCopy) {
  nlohmann::json c = Valid();
  c["stage"] = {
      {"bucket_name", "bx-stage"}, {"region", "us-east-1"}, {"storage_integration", "S3_INT"}};
  const SnowflakeConfig config = ParseSnowflakeConfig(c);
  ASSERT_TRUE(config.stage);
  EXPECT_EQ(config.storage_integration, "S3_INT");
  EXPECT_EQ(config.stage->output.keys.format, FileFormat::kJsonLines);
  EXPECT_EQ(config.stage->output.keys.compression, Compression::kGzip);
}

TEST(SnowflakeKeyPairJwt, HasSnowflakesClaims) {
  const SnowflakeConfig config = ParseSnowflakeConfig(Valid());
  const auto key = jwt::RsaPrivateKey::FromPem(Key(), "", "k");
  const std::string token = SnowflakeKeyPairJwt(config, key, 1700000000);
  const size_t first = token.find('.'), last = token.rfind('.');
  EXPECT_EQ(Base64UrlDecode(token.substr(0, first)), R"({"alg":"RS256","typ":"JWT"})");
  EXPECT_EQ(Base64UrlDecode(token.substr(first + 1, last - first - 1)),
            R"({"exp":1700003540,"iat":1700000000,"iss":"XY12345.EXPORTER.)" +
                key.PublicKeyFingerprint() + R"(","sub":"XY12345.EXPORTER"})");
}

TEST(SnowflakeRequestId, IsAStableUuidPerSeed) {
  const std::string a = SnowflakeRequestId("run-1-7 load");
  EXPECT_EQ(a, SnowflakeRequestId("run-1-7 load"));
  EXPECT_NE(a, SnowflakeRequestId("run-1-8 load"));
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
}

TEST(SnowflakeSql, QuotesAndEscapes) {
  EXPECT_EQ(SnowflakeIdentifier("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(SnowflakeString("it's a \\ test"), "'it\\'s a \\\\ test'");
}

TEST(SnowflakeSql, CopyLoadsTheNamedFilesByColumnName) {
  EXPECT_EQ(SnowflakeCopySql("S", "s3://b/p/", {"a.jsonl.gz", "b'.jsonl.gz"},
                             {"", "AKID", "se'cret", ""}),
            "COPY INTO S FROM 's3://b/p/' CREDENTIALS = (AWS_KEY_ID = 'AKID' AWS_SECRET_KEY = "
            "'se\\'cret') FILES = ('a.jsonl.gz', 'b\\'.jsonl.gz') FILE_FORMAT = (TYPE = JSON "
            "COMPRESSION = GZIP) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE ON_ERROR = ABORT_STATEMENT "
            "FORCE = TRUE");
  EXPECT_EQ(SnowflakeCopySql("S", "s3://b/", {"a"}, {"S3_INT", "", "", ""}),
            "COPY INTO S FROM 's3://b/' STORAGE_INTEGRATION = \"S3_INT\" FILES = ('a') "
            "FILE_FORMAT = (TYPE = JSON COMPRESSION = GZIP) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE "
            "ON_ERROR = ABORT_STATEMENT FORCE = TRUE");
  EXPECT_NE(SnowflakeCopySql("S", "s3://b/", {"a"}, {"", "K", "S", "T"}).find("AWS_TOKEN = 'T'"),
            std::string::npos);
}

TEST(SnowflakeSql, EventsReplaceTheirIntervalInOneTransaction) {
  const ModelSpec& spec = GetModelSpec(Model::kEvents, Layout::kTables);
  IntervalTarget target;
  target.interval = {1705276800000000, 1705280400000000};
  target.schema = spec.schema;
  target.key_columns = spec.key_columns;
  target.team_id = 2;
  target.exclude_events = {"$pageleave", "o'dd"};
  EXPECT_EQ(SnowflakeMoveStatements("T", "S", target, {0, 1, 7, 13}, true),
            (std::vector<std::string>{
                "BEGIN",
                "DELETE FROM T WHERE \"_inserted_at\" >= "
                "TO_TIMESTAMP_NTZ('2024-01-15T00:00:00.000000') AND \"_inserted_at\" < "
                "TO_TIMESTAMP_NTZ('2024-01-15T01:00:00.000000') AND \"team_id\" = 2 AND "
                "\"event\" NOT IN ('$pageleave', 'o\\'dd')",
                "INSERT INTO T (\"uuid\", \"event\", \"team_id\", \"_inserted_at\") SELECT "
                "\"uuid\", \"event\", \"team_id\", \"_inserted_at\" FROM S",
                "COMMIT"}));
}

TEST(SnowflakeSql, PersonsMergeTheNewestStagedRowWhenNewer) {
  const ModelSpec& spec = GetModelSpec(Model::kPersons, Layout::kTables);
  IntervalTarget target;
  target.schema = spec.schema;
  target.key_columns = spec.key_columns;
  target.version_columns = spec.version_columns;
  const std::vector<std::string> sql =
      SnowflakeMoveStatements("T", "S", target, {0, 1, 4, 5}, true);
  ASSERT_EQ(sql.size(), 3u);
  EXPECT_EQ(sql[1],
            "MERGE INTO T t USING (SELECT \"team_id\", \"distinct_id\", "
            "\"person_distinct_id_version\", \"person_version\" FROM S QUALIFY ROW_NUMBER() "
            "OVER (PARTITION BY \"team_id\", \"distinct_id\" ORDER BY \"person_version\" DESC, "
            "\"person_distinct_id_version\" DESC) = 1) s ON t.\"team_id\" = s.\"team_id\" AND "
            "t.\"distinct_id\" = s.\"distinct_id\" WHEN MATCHED AND ((t.\"person_version\" IS "
            "NULL OR s.\"person_version\" > t.\"person_version\") OR "
            "(t.\"person_distinct_id_version\" IS NULL OR s.\"person_distinct_id_version\" > "
            "t.\"person_distinct_id_version\")) THEN UPDATE SET \"team_id\" = s.\"team_id\", "
            "\"distinct_id\" = s.\"distinct_id\", \"person_distinct_id_version\" = "
            "s.\"person_distinct_id_version\", \"person_version\" = s.\"person_version\" WHEN "
            "NOT MATCHED THEN INSERT (\"team_id\", \"distinct_id\", "
            "\"person_distinct_id_version\", \"person_version\") VALUES (s.\"team_id\", "
            "s.\"distinct_id\", s.\"person_distinct_id_version\", s.\"person_version\")");
}

}  // namespace
}  // namespace bx
