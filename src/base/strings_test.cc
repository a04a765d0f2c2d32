#include "base/strings.h"

#include <gtest/gtest.h>

namespace bx {
namespace {

TEST(Strings, FormatsCountsAndBytes) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(1204), "1,204");
  EXPECT_EQ(FormatCount(1000000), "1,000,000");
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
}

// The escaper looks at 8 bytes at a time: a byte to escape or check is found at every offset
// of a word and across word boundaries.
TEST(Strings, JsonQuoteFindsEverySpecialByteAtEveryOffset) {
  const std::pair<std::string, std::string> specials[] = {
      {"\"", "\\\""},           {"\\", "\\\\"},           {"\n", "\\n"},
      {"\x01", "\\u0001"},      {"\x1f", "\\u001f"},      {std::string(1, '\0'), ""},
      {"\xc3\xa9", "\xc3\xa9"}, {"\x80", "\xEF\xBF\xBD"}, {" ", " "},
      {"\x7f", "\x7f"}};
  for (const auto& [special, escaped] : specials) {
    for (size_t before = 0; before < 20; ++before) {
      for (size_t after : {0, 1, 7, 8, 9, 17}) {
        const std::string text = std::string(before, 'a') + special + std::string(after, 'b');
        EXPECT_EQ(JsonQuote(text),
                  "\"" + std::string(before, 'a') + escaped + std::string(after, 'b') + "\"")
            << before << " " << after;
      }
    }
  }
}

TEST(Strings, JsonQuoteEscapesAndRepairs) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\t"), R"("a\"b\\c\n\t")");
  EXPECT_EQ(JsonQuote(std::string("a\0b", 3)), R"("ab")");  // NUL dropped
  EXPECT_EQ(JsonQuote("\x01"), R"("\u0001")");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  EXPECT_EQ(JsonQuote("bad\xff"), "\"bad\xef\xbf\xbd\"");
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  // surrogate
  EXPECT_EQ(JsonQuote("\xe2\x82"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");  // truncated sequence
}

// Found by fuzz/s3_xml_fuzz: an S3 error <Message> with invalid UTF-8 went into the run's
// latest_error as it was.
TEST(Strings, PrintableTextIsOneLineOfValidUtf8WithinItsSize) {
  EXPECT_EQ(PrintableText("The spe\x99"
                          "cified bucket",
                          100),
            "The spe\xef\xbf\xbd"
            "cified bucket");
  EXPECT_EQ(PrintableText(std::string("a\nb\r\0c\x7f", 7), 100), "a b  c ");
  EXPECT_EQ(PrintableText("caf\xc3\xa9", 100), "caf\xc3\xa9");
  EXPECT_EQ(PrintableText("caf\xc3\xa9", 4), "caf...");  // not cut inside the character
  EXPECT_EQ(PrintableText(std::string(5000, 'x'), 100), std::string(100, 'x') + "...");
  EXPECT_EQ(PrintableText("", 10), "");
}

TEST(Strings, MaskSecretsHidesEveryOccurrence) {
  EXPECT_EQ(MaskSecrets("key=s3cr3t and s3cr3ts3cr3t; tok", {"s3cr3t", "", "tok"}),
            "key=*** and ******; ***");
  // A secret that contains the mask is not replaced again and again.
  EXPECT_EQ(MaskSecrets("a*b", {"*"}), "a***b");
  EXPECT_EQ(MaskSecrets("nothing here", {"s3cr3t"}), "nothing here");
}

}  // namespace
}  // namespace bx
