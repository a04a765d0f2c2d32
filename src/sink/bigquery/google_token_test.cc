#include "sink/bigquery/google_token.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <thread>

#include "base/error.h"
#include "testing/rsa_test_keys.h"

namespace bx {
namespace {

using testing::Base64UrlDecode;

// Verifies an RS256 signature with the public half of `private_pem`.
bool VerifiesWith(const std::string& private_pem, const std::string& token) {
  const size_t dot = token.rfind('.');
  const std::string input = token.substr(0, dot),
                    signature = Base64UrlDecode(token.substr(dot + 1));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

BigQueryConfig Config(const std::string& token_uri) {
  static const std::string key = testing::NewRsaKeyPem();
  BigQueryConfig c;
  c.project_id = "bx-test";
  c.dataset_id = "d";
  c.table_id = "t";
  c.private_key = key;
  c.private_key_id = "key-1";
  c.client_email = "bx@bx-test.iam.gserviceaccount.com";
  c.token_uri = token_uri;
  return c;
}

TEST(GoogleServiceAccountAssertion, HasGooglesHeaderAndClaimsAndVerifies) {
  const BigQueryConfig config = Config("https://oauth2.googleapis.com/token");
  const auto key = jwt::RsaPrivateKey::FromPem(config.private_key, "", "k");
  const std::string token = GoogleServiceAccountAssertion(config, key, 1700000000);
  const size_t first = token.find('.'), last = token.rfind('.');
  EXPECT_EQ(Base64UrlDecode(token.substr(0, first)),
            R"({"alg":"RS256","kid":"key-1","typ":"JWT"})");
  EXPECT_EQ(Base64UrlDecode(token.substr(first + 1, last - first - 1)),
            R"({"aud":"https://oauth2.googleapis.com/token","exp":1700003600,"iat":1700000000,)"
            R"("iss":"bx@bx-test.iam.gserviceaccount.com",)"
            R"("scope":"https://www.googleapis.com/auth/bigquery"})");
  EXPECT_TRUE(VerifiesWith(config.private_key, token));
  EXPECT_FALSE(VerifiesWith(testing::NewRsaKeyPem(), token));
}

// A token endpoint that checks the grant as Google's does and answers as told.
class TokenEndpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/token", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      const std::string prefix =
          "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
      if (req.get_header_value("Content-Type") != "application/x-www-form-urlencoded" ||
          req.body.rfind(prefix, 0) != 0 ||
          !VerifiesWith(Config("").private_key, req.body.substr(prefix.size()))) {
        res.status = 400;
        res.set_content(R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})",
                        "application/json");
        return;
      }
      res.status = status_;
      res.set_content(status_ == 200 ? nlohmann::json{{"access_token",
                                                       "ya29.token-" + std::to_string(requests_)},
                                                      {"expires_in", expires_in_},
                                                      {"token_type", "Bearer"}}
                                           .dump()
                                     : body_,
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    http_.reset();  // its kept-alive connection would hold the server's stop for 5 s
    server_.stop();
    thread_.join();
  }
  std::string Uri() { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> requests_{0};
  int status_ = 200;
  int expires_in_ = 3599;
  std::string body_;
  std::unique_ptr<HttpClient> http_ = std::make_unique<HttpClient>();
};

TEST_F(TokenEndpoint, FetchesOnceAndCachesUntilInvalidated) {
  GoogleTokenSource tokens(Config(Uri()), *http_);
  EXPECT_EQ(tokens.Get(), "ya29.token-1");
  EXPECT_EQ(tokens.Get(), "ya29.token-1");
  tokens.Invalidate("some other token");
  EXPECT_EQ(tokens.Get(), "ya29.token-1");
  tokens.Invalidate("ya29.token-1");
  EXPECT_EQ(tokens.Get(), "ya29.token-2");
  EXPECT_EQ(requests_, 2);
}

TEST_F(TokenEndpoint, RefetchesATokenAboutToExpire) {
  expires_in_ = 30;  // under the minute of margin
  GoogleTokenSource tokens(Config(Uri()), *http_);
  EXPECT_EQ(tokens.Get(), "ya29.token-1");
  EXPECT_EQ(tokens.Get(), "ya29.token-2");
}

TEST_F(TokenEndpoint, ARefusedAccountIsNotRetriedAndTheKeyIsNotShown) {
  BigQueryConfig config = Config(Uri());
  config.private_key = testing::NewRsaKeyPem();  // not the endpoint's
  GoogleTokenSource tokens(config, *http_);
  try {
    tokens.Get();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNonRetryable);
    EXPECT_EQ(e.type(), "BigQueryAuthFailed");
    EXPECT_NE(e.message().find("invalid_grant: Invalid JWT Signature."), std::string::npos);
    EXPECT_NE(e.message().find("bx@bx-test.iam.gserviceaccount.com"), std::string::npos);
    EXPECT_EQ(e.message().find("PRIVATE KEY"), std::string::npos);
    EXPECT_EQ(e.message().find("assertion"), std::string::npos);
  }
}

TEST_F(TokenEndpoint, ThrottlingAndServerErrorsAreRetryable) {
  for (int status : {429, 500, 503}) {
    status_ = status;
    body_ = R"({"error":"temporarily_unavailable"})";
    GoogleTokenSource tokens(Config(Uri()), *http_);
    try {
      tokens.Get();
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kRetryable) << status;
      EXPECT_EQ(e.type(), "BigQueryUnavailable");
      EXPECT_NE(e.message().find("temporarily_unavailable"), std::string::npos);
    }
  }
}

TEST(GoogleTokenSource, AnEndpointThatIsDownIsRetryable) {
  HttpClient http;
  GoogleTokenSource tokens(Config("http://127.0.0.1:1/token"), http);
  try {
    tokens.Get();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kRetryable);
    EXPECT_NE(e.message().find("127.0.0.1:1"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace bx
