// The S3 XML response parser (sink/s3: XmlElements, XmlText, XmlUnescape, and the error sorting
// that reads <Code> and <Message>), given any bytes as a response body.
// Invariant: never crashes; every element found is a slice of the body; an error response
// becomes a bx::Error with a type name and a one-line valid UTF-8 message of bounded size whatever
// the body; XmlUnescape undoes XmlEscape for any text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include "base/error.h"
#include "fuzz_check.h"
#include "sink/s3/s3_errors.h"
#include "sink/s3/xml.h"

namespace {

bool Within(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const long status = in.PickValueInArray<long>({200, 400, 403, 404, 409, 500, 503, 301, 0});
  const std::string body = in.ConsumeRemainingBytesAsString();

  // The tags the client reads (s3_client.cc, s3_errors.cc).
  for (const char* tag : {"Contents", "Key", "UploadId", "IsTruncated", "NextContinuationToken",
                          "Error", "Upload", "Code", "Message"}) {
    for (std::string_view element : bx::s3::XmlElements(body, tag)) {
      FUZZ_CHECK(Within(element, body), std::string("an element outside the body: ") + tag);
      // Nested reads, as ListObjectsV2 reads <Key> inside each <Contents>.
      (void)bx::s3::XmlText(element, "Key");
    }
    (void)bx::s3::XmlText(body, tag);
  }

  const bx::s3::RequestContext context{"PutObject", "bucket", "key", "http://127.0.0.1:9"};
  const bx::Error error = bx::s3::S3ResponseError(status, body, context);
  FUZZ_CHECK(!error.type().empty(), "an S3 error without a type name");
  FUZZ_CHECK(!error.message().empty(), "an S3 error without a message");
  // The message becomes a run's latest_error and log line (stored in SQLite or PostgreSQL, shown
  // by the API): valid UTF-8, one line, no NUL, of a bounded size whatever the server sent.
  FUZZ_CHECK(bx::fuzz::IsUtf8(error.message()), "an S3 error message is not UTF-8");
  FUZZ_CHECK(error.message().find_first_of(std::string("\n\r\0", 3)) == std::string::npos,
             "an S3 error message with a line break or NUL");
  FUZZ_CHECK(error.message().size() <= 2048, "an S3 error message of unbounded size");

  FUZZ_CHECK(bx::s3::XmlUnescape(bx::s3::XmlEscape(body)) == body,
             "XmlUnescape(XmlEscape(text)) is not the text");
  return 0;
}
