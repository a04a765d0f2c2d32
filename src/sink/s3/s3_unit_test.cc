// The parts of the S3 destination that need no server: XML, error sorting, part sizes, keys,
// endpoint URLs, multipart ETags.

#include <gtest/gtest.h>

#include "sink/s3/crypto.h"
#include "sink/s3/s3_client.h"
#include "sink/s3/s3_errors.h"
#include "sink/s3/s3_object_store.h"
#include "sink/s3/s3_upload_sink.h"
#include "sink/s3/xml.h"

namespace bx::s3 {
namespace {

const RequestContext kContext{"PutObject", "bkt", "dir/key", "http://127.0.0.1:17480"};

std::string ErrorBody(const std::string& code, const std::string& message = "") {
  return "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>" + message +
         "</Message><RequestId>tx1</RequestId></Error>";
}

TEST(S3Xml, ElementsAndEntities) {
  const std::string xml =
      "<ListBucketResult><KeyCount>2</KeyCount><Contents><Key>a&amp;b&#x2F;&lt;c&gt;</Key>"
      "</Contents><Contents><Key>d&#233;</Key></Contents><Empty/></ListBucketResult>";
  const auto contents = XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlText(contents[0], "Key"), "a&b/<c>");
  EXPECT_EQ(XmlText(contents[1], "Key"), "d\xC3\xA9");
  EXPECT_EQ(XmlText(xml, "KeyCount"), "2");  // not confused with <Key>
  EXPECT_EQ(XmlText(xml, "Empty"), "");
  EXPECT_EQ(XmlText(xml, "Missing"), std::nullopt);
  EXPECT_EQ(XmlEscape("a<&>\"'"), "a&lt;&amp;&gt;&quot;&apos;");
}

TEST(S3Errors, NonRetryableCodesKeepTheirNames) {
  for (const char* code : {"NoSuchBucket", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                           "AccessDenied", "InvalidBucketName"}) {
    const Error e = S3ResponseError(403, ErrorBody(code), kContext);
    EXPECT_EQ(e.type(), code);
    EXPECT_EQ(e.kind(), ErrorKind::kNonRetryable) << code;
    EXPECT_NE(e.message().find("PutObject s3://bkt/dir/key"), std::string::npos) << e.message();
  }
  EXPECT_EQ(S3ResponseError(400, ErrorBody("KeyTooLongError"), kContext).type(), "InvalidS3Key");
}

TEST(S3Errors, TransientAnswersAreRetryable) {
  EXPECT_TRUE(S3ResponseError(503, ErrorBody("SlowDown"), kContext).retryable());
  EXPECT_TRUE(S3ResponseError(400, ErrorBody("RequestTimeout"), kContext).retryable());
  EXPECT_TRUE(S3ResponseError(500, ErrorBody("InternalError"), kContext).retryable());
  EXPECT_TRUE(S3ResponseError(502, "<html>bad gateway</html>", kContext).retryable());
  EXPECT_TRUE(S3ResponseError(200, ErrorBody("InternalError"), kContext).retryable());
}

TEST(S3Errors, AnswersThatAreNotS3MeanABadEndpoint) {
  const Error e = S3ResponseError(404, "<html>not found</html>", kContext);
  EXPECT_EQ(e.type(), "InvalidS3EndpointError");
  EXPECT_FALSE(e.retryable());
}

// Found by fuzz/s3_xml_fuzz (the input, shortened): a <Message> with a byte that is not UTF-8
// went into the error, and so into the run's latest_error and log (PostgreSQL refuses such text).
TEST(S3Errors, ServerTextBecomesOneLineOfValidUtf8OfBoundedSize) {
  const Error e = S3ResponseError(404,
                                  "<Error><Code>NoSuchBucket</Code><Message>The spe\x99"
                                  "cified bucket\r\ndoes not "
                                  "exist</Message></Error>",
                                  kContext);
  EXPECT_EQ(e.type(), "NoSuchBucket");
  EXPECT_NE(e.message().find("The spe\xEF\xBF\xBD"
                             "cified bucket  does not exist"),
            std::string::npos)
      << e.message();
  const Error big =
      S3ResponseError(500,
                      "<Error><Code>Bad\xff" + std::string(9000, 'C') + "</Code><Message>" +
                          std::string(100000, 'm') + "</Message></Error>",
                      kContext);
  EXPECT_EQ(big.type(), "S3ServerError");
  EXPECT_LT(big.message().size(), 1200u);
  EXPECT_EQ(big.message().find('\xff'), std::string::npos);
}

TEST(S3Errors, HeadWithoutBodyUsesTheStatus) {
  EXPECT_EQ(S3ResponseError(404, "", {"HeadObject", "b", "k", "e"}).type(), "NoSuchKey");
  EXPECT_EQ(S3ResponseError(404, "", {"HeadBucket", "b", "", "e"}).type(), "NoSuchBucket");
  EXPECT_EQ(S3ResponseError(403, "", {"HeadObject", "b", "k", "e"}).type(), "AccessDenied");
}

TEST(S3Parts, EqualPartsSizedForTheExpectedObject) {
  EXPECT_EQ(ChoosePartSize(8u << 20, std::nullopt), 8u << 20);
  EXPECT_EQ(ChoosePartSize(1u << 20, std::nullopt), kMinPartSize);
  EXPECT_EQ(ChoosePartSize(8u << 20, 100ull << 20), 8u << 20);
  // 1 TiB expected: 10,000 parts of at least 1.25 TiB / 10,000, rounded up to whole MiB.
  const size_t part = ChoosePartSize(8u << 20, 1ull << 40);
  EXPECT_EQ(part % (1u << 20), 0u);
  EXPECT_GE(static_cast<double>(part) * kMaxParts, 1.25 * (1ull << 40));
}

TEST(S3Parts, PartsStayEqualUntil9000ThenGrowWithinTheLimit) {
  const size_t base = 8u << 20;
  EXPECT_EQ(PartSizeFor(1, base), base);
  EXPECT_EQ(PartSizeFor(9000, base), base);
  EXPECT_EQ(PartSizeFor(9001, base), 2 * base);
  EXPECT_EQ(PartSizeFor(10000, base), 16 * base);
  uint64_t total = 0;
  for (int n = 1; n <= kMaxParts; ++n) total += PartSizeFor(n, base);
  EXPECT_GT(total, 15000ull * base);
}

TEST(S3Keys, ValidatesLengthAndUtf8) {
  EXPECT_NO_THROW(ValidateObjectKey("a/b c/événement.jsonl"));
  EXPECT_THROW(ValidateObjectKey(""), Error);
  EXPECT_THROW(ValidateObjectKey(std::string(1025, 'a')), Error);
  try {
    ValidateObjectKey("bad\xff");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "InvalidS3Key");
  }
}

TEST(S3Endpoint, ParsesHttpUrlsOnly) {
  auto e = ParseEndpointUrl("HTTPS://storage.example.com:9000/base/");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->scheme, "https");
  EXPECT_EQ(e->host, "storage.example.com:9000");
  EXPECT_EQ(e->path, "/base");
  EXPECT_FALSE(ParseEndpointUrl("ftp://x"));
  EXPECT_FALSE(ParseEndpointUrl("http://user:secret@host"));
  EXPECT_FALSE(ParseEndpointUrl("http://"));
  EXPECT_FALSE(ParseEndpointUrl("storage.example.com"));
  try {
    S3ClientOptions options;
    options.endpoint_url = "not a url";
    S3Client client(options);
    FAIL();
  } catch (const Error& err) {
    EXPECT_EQ(err.type(), "InvalidS3EndpointError");
  }
}

TEST(S3Etag, MultipartEtagIsMd5OfPartMd5s) {
  // Two parts "a" and "b": md5(md5("a") ++ md5("b")) + "-2".
  const std::string a = Hex(Md5("a")), b = Hex(Md5("b"));
  const auto ma = Md5("a"), mb = Md5("b");
  std::string joined(reinterpret_cast<const char*>(ma.data()), 16);
  joined.append(reinterpret_cast<const char*>(mb.data()), 16);
  EXPECT_EQ(MultipartEtag({a, b}), Hex(Md5(joined)) + "-2");
}

}  // namespace
}  // namespace bx::s3
