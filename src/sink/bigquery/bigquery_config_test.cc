#include "sink/bigquery/bigquery_config.h"

#include <gtest/gtest.h>

#include <string>

#include "base/error.h"
#include "testing/rsa_test_keys.h"

namespace bx {
namespace {

const std::string& Key() {
  static const std::string pem = testing::NewRsaKeyPem();
  return pem;
}

nlohmann::json Valid() {
  return {{"project_id", "bx-test"},
          {"dataset_id", "analytics"},
          {"table_id", "events"},
          {"private_key", Key()},
          {"private_key_id", "abc123"},
          {"client_email", "bx@bx-test.iam.gserviceaccount.com"},
          {"exclude_events", {"$pageleave"}}};
}

// The field the error names and that the message says `says`, without the key.
void ExpectInvalid(const nlohmann::json& config, const std::string& field,
                   const std::string& says) {
  try {
    ParseBigQueryConfig(config);
    FAIL() << "accepted " << field;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(e.message().find("destination.config." + field), std::string::npos) << e.message();
    EXPECT_NE(e.message().find(says), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find("PRIVATE KEY"), std::string::npos) << e.message();
  }
}

TEST(BigQueryConfig, ReadsTheFieldsWithGooglesDefaults) {
  const BigQueryConfig c = ParseBigQueryConfig(Valid());
  EXPECT_EQ(c.Where(), "bigquery:bx-test.analytics.events");
  EXPECT_EQ(c.token_uri, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(c.api_base_url, "https://bigquery.googleapis.com");
  EXPECT_FALSE(c.use_json_type);
  EXPECT_EQ(c.location, "");
}

TEST(BigQueryConfig, TakesAWholePastedServiceAccountKey) {
  nlohmann::json config = Valid();
  config.update({{"type", "service_account"},
                 {"client_id", "1234"},
                 {"auth_uri", "https://accounts.google.com/o/oauth2/auth"},
                 {"token_uri", "http://127.0.0.1:9/token/"},
                 {"auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs"},
                 {"client_x509_cert_url", "https://www.googleapis.com/robot/v1/metadata/x509/bx"},
                 {"universe_domain", "googleapis.com"},
                 {"use_json_type", true},
                 {"location", "europe-west3"},
                 {"api_base_url", "http://127.0.0.1:9/"}});
  const BigQueryConfig c = ParseBigQueryConfig(config);
  EXPECT_EQ(c.token_uri, "http://127.0.0.1:9/token");
  EXPECT_EQ(c.api_base_url, "http://127.0.0.1:9");
  EXPECT_TRUE(c.use_json_type);
  EXPECT_EQ(c.location, "europe-west3");
}

TEST(BigQueryConfig, RefusesMissingAndMalformedFieldsNamingThem) {
  for (const char* field :
       {"project_id", "dataset_id", "table_id", "private_key", "private_key_id", "client_email"}) {
    nlohmann::json config = Valid();
    config.erase(field);
    ExpectInvalid(config, field, "required");
  }
  auto with = [](const char* field, nlohmann::json value) {
    nlohmann::json config = Valid();
    config[field] = std::move(value);
    return config;
  };
  ExpectInvalid(with("dataset_id", "my.dataset"), "dataset_id", "not a BigQuery dataset id");
  ExpectInvalid(with("table_id", "events; DROP TABLE x"), "table_id", "not a BigQuery table id");
  ExpectInvalid(with("table_id", "ev`ents"), "table_id", "not a BigQuery table id");
  ExpectInvalid(with("table_id", std::string(1025, 'a')), "table_id", "at most 1024");
  ExpectInvalid(with("project_id", "bx test"), "project_id", "not a BigQuery project id");
  ExpectInvalid(with("project_id", "bx\ntest"), "project_id", "control character");
  ExpectInvalid(with("client_email", "nobody"), "client_email", "not a service account");
  ExpectInvalid(with("token_uri", "file:///etc/passwd"), "token_uri", "not an http");
  ExpectInvalid(with("api_base_url", "ftp://x"), "api_base_url", "not an http");
  ExpectInvalid(with("location", "US'; --"), "location", "not a BigQuery location");
  ExpectInvalid(with("use_json_type", "yes"), "use_json_type", "");
  ExpectInvalid(with("private_key", "not a key"), "private_key", "not a PEM private key");
  ExpectInvalid(with("dataset", "x"), "dataset", "");
}

}  // namespace
}  // namespace bx
