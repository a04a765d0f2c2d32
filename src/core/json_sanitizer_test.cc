#include "core/json_sanitizer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/strings.h"

namespace bx {
namespace {

using nlohmann::json;
using namespace std::string_literals;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// A realistic event's properties, ~400 bytes, with escapes and non-ASCII text.
const std::string kEvent =
    R"({"$browser":"Chrome","$os":"Mac OS X","$current_url":"https://shop.example.com/cart?id=42&ref=mail",)"
    R"("$screen_width":1440,"$screen_height":900,"price":19.99,"discount":-0.5,"qty":3,"ts":1700000000,)"
    R"("name":"Zoë \"Z\" Müller","city":"東京","emoji":"\ud83d\ude00 ok","path":"C:\\tmp\\a.txt",)"
    R"("tags":["new","vip",null,true,false],"nested":{"a":{"b":[1,2.5e3,{"c":"\u00e9\/x"}]}},"empty":{},"none":[]})";

struct Result {
  JsonCleanliness kind;
  std::string out;
};

Result Sanitize(std::string_view text) {
  JsonSanitizer sanitizer;
  Result r;
  r.kind = sanitizer.Append(text, r.out);
  return r;
}

struct ParseError {
  int id = 0;  // 0 when `line` parsed
  std::string what;
};

// Parses `line` with nlohmann, strictly, without building it.
ParseError NlohmannParse(const std::string& line) {
  struct Sax : nlohmann::json_sax<json> {
    ParseError error;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
      error = {e.id, e.what()};
      return false;
    }
  } sax;
  json::sax_parse(line, &sax);
  return sax.error;
}

constexpr int kNlohmannNumberOverflow = 406;

// True when no string or key inside `value` holds a NUL character.
bool HasNoNul(const json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().find('\0') == std::string::npos;
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (key.find('\0') != std::string::npos || !HasNoNul(item)) return false;
    }
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!HasNoNul(item)) return false;
    }
  }
  return true;
}

// The promises every output keeps: one line, valid UTF-8, no NUL, strict JSON for nlohmann and
// simdjson. The one exception: numbers beyond their ranges, kept as written on purpose.
void ExpectExportable(const std::string& line, std::string_view input) {
  SCOPED_TRACE("input: " + JsonQuote(input));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find('\0'), std::string::npos);
  EXPECT_TRUE(simdjson::validate_utf8(line.data(), line.size()));
  const ParseError error = NlohmannParse(line);
  EXPECT_TRUE(error.id == 0 || error.id == kNlohmannNumberOverflow) << error.what;
  simdjson::dom::parser parser;
  const simdjson::error_code simd_error = parser.parse(line).error();
  EXPECT_TRUE(simd_error == simdjson::SUCCESS || simd_error == simdjson::NUMBER_ERROR)
      << simdjson::error_message(simd_error);
  if (error.id == 0) {
    EXPECT_TRUE(HasNoNul(json::parse(line)));
  }
}

TEST(JsonSanitizerTest, CleanJsonIsAppendedByteIdentical) {
  const std::vector<std::string> clean = {
      kEvent,
      R"({"a": 1, "b" : [ 1 , 2 ]})",  // spaces and tabs are fine on one line
      "{\"a\":\t\"x\"}",
      R"({"path":"\\u0000 is text here, not an escape"})",
      R"({"pair":"\ud83d\ude00","upper":"\uD83D\uDE00","bmp":"\u20ac\uFFFD"})",
      "\"just a string\"",
      "42",
      "null",
      "[]",
  };
  JsonSanitizer sanitizer;
  for (const auto& text : clean) {
    std::string out = "prefix,";
    EXPECT_EQ(sanitizer.Append(text, out), JsonCleanliness::kClean) << text;
    EXPECT_EQ(out, "prefix," + text);
  }
}

TEST(JsonSanitizerTest, MultiLineJsonBecomesOneCompactLine) {
  for (const std::string text : {"{\n  \"a\": 1,\n  \"b\": [\n    true,\n    \"x y\"\n  ]\n}\n",
                                 "{\r\n\"a\" :\r\n 1 }", "[\r1]", "[\n]", "\n\"s\"\n"}) {
    const Result r = Sanitize(text);
    EXPECT_EQ(r.kind, JsonCleanliness::kRepaired) << text;
    ExpectExportable(r.out, text);
    EXPECT_EQ(json::parse(r.out), json::parse(text));
  }
  EXPECT_EQ(Sanitize("{\n  \"a\": [1, {\"b\" : null}],\n  \"c d\": \"e f\"\n}").out,
            R"({"a":[1,{"b":null}],"c d":"e f"})");
}

TEST(JsonSanitizerTest, PrettyPrintedEventRoundTrips) {
  const std::string pretty = json::parse(kEvent).dump(2);
  const Result r = Sanitize(pretty);
  EXPECT_EQ(r.kind, JsonCleanliness::kRepaired);
  ExpectExportable(r.out, pretty);
  EXPECT_EQ(json::parse(r.out), json::parse(kEvent));
}

TEST(JsonSanitizerTest, InvalidUtf8BecomesReplacementCharacter) {
  const std::string fffd(kReplacement);
  struct Case {
    std::string in, want;
  };
  const std::vector<Case> cases = {
      {"{\"a\":\"x\xffy\",\"b\":1}", "{\"a\":\"x" + fffd + "y\",\"b\":1}"},
      {"{\"a\":\"\xE2\x82z\"}", "{\"a\":\"" + fffd + fffd + "z\"}"},             // truncated 3-byte
      {"{\"a\":\"\xC0\xAF\"}", "{\"a\":\"" + fffd + fffd + "\"}"},               // overlong '/'
      {"{\"a\":\"\xE0\x80\xAF\"}", "{\"a\":\"" + fffd + fffd + fffd + "\"}"},    // overlong
      {"{\"a\":\"\xED\xA0\x80!\"}", "{\"a\":\"" + fffd + fffd + fffd + "!\"}"},  // surrogate D800
      {"{\"k\xfe\":[\"\xF4\x90\x80\x80\"]}",  // a bad key, and a code point above U+10FFFF
       "{\"k" + fffd + "\":[\"" + fffd + fffd + fffd + fffd + "\"]}"},
      {"[\"\xE2\x82\\n\xAC\"]", "[\"" + fffd + fffd + "\\n" + fffd + "\"]"},  // cut by an escape
      {"{ \"\xc3\xa9\" : \"\xff\" }", "{\"\xc3\xa9\":\"" + fffd + "\"}"},
  };
  for (const auto& c : cases) {
    const Result r = Sanitize(c.in);
    EXPECT_EQ(r.kind, JsonCleanliness::kRepaired) << JsonQuote(c.in);
    EXPECT_EQ(r.out, c.want) << JsonQuote(c.in);
    ExpectExportable(r.out, c.in);
  }
}

TEST(JsonSanitizerTest, LoneSurrogateEscapesBecomeReplacementCharacter) {
  struct Case {
    std::string in, want_out;
    std::string want_value;  // the "a" member as decoded by nlohmann
  };
  const std::vector<Case> cases = {
      {R"({"a":"\ud800"})", R"({"a":"\ufffd"})", "\uFFFD"},
      {R"({"a":"\udc00"})", R"({"a":"\ufffd"})", "\uFFFD"},
      {R"({"a":"\uDBFFx"})", R"({"a":"\ufffdx"})", "\uFFFDx"},
      {R"({"a":"\ud800\u0041"})", R"({"a":"\ufffd\u0041"})", "\uFFFDA"},
      {R"({"a":"\ude00\ud83d"})", R"({"a":"\ufffd\ufffd"})", "\uFFFD\uFFFD"},  // reversed pair
      {R"({"a":"\ud800\ud83d\ude00"})", R"({"a":"\ufffd\ud83d\ude00"})", "\uFFFD😀"},
      {R"({"a":"\ud83d\ude00","b":"\udfff"})", R"({"a":"\ud83d\ude00","b":"\ufffd"})", "😀"},
  };
  for (const auto& c : cases) {
    const Result r = Sanitize(c.in);
    EXPECT_EQ(r.kind, JsonCleanliness::kRepaired) << c.in;
    EXPECT_EQ(r.out, c.want_out) << c.in;
    ExpectExportable(r.out, c.in);
    EXPECT_EQ(json::parse(r.out)["a"], c.want_value) << c.in;
  }
}

TEST(JsonSanitizerTest, CorrectSurrogatePairIsKept) {
  const std::string clean = R"({"a":"\ud83d\ude00"})";
  const Result fast = Sanitize(clean);
  EXPECT_EQ(fast.kind, JsonCleanliness::kClean);
  EXPECT_EQ(json::parse(fast.out)["a"], "😀");
  // The slow path (forced by a line break) keeps the pair too, as the same escapes.
  const Result slow = Sanitize("{\"a\":\n\"\\ud83d\\ude00\"}");
  EXPECT_EQ(slow.kind, JsonCleanliness::kRepaired);
  EXPECT_EQ(slow.out, clean);
}

TEST(JsonSanitizerTest, NulIsDropped) {
  struct Case {
    std::string in, want;
  };
  const std::vector<Case> cases = {
      {R"({"a":"x\u0000y"})", R"({"a":"xy"})"},
      {R"({"\u0000":"\u0000"})", R"({"":""})"},
      {"{\"a\":\"x\0y\"}"s, R"({"a":"xy"})"},
      {"{\"a\":1}\0\0"s, R"({"a":1})"},  // raw NUL between tokens counts as whitespace
      {"[\"\0\\u0000\"]"s, R"([""])"},
  };
  for (const auto& c : cases) {
    const Result r = Sanitize(c.in);
    EXPECT_EQ(r.kind, JsonCleanliness::kRepaired) << JsonQuote(c.in);
    EXPECT_EQ(r.out, c.want) << JsonQuote(c.in);
    ExpectExportable(r.out, c.in);
  }
}

TEST(JsonSanitizerTest, FiveMegabyteStringValue) {
  std::string value;
  while (value.size() < 5'000'000) value += "lorem ipsum \\\"quoted\\\" caf\xC3\xA9 \xE6\x9D\xB1 ";
  const std::string clean = "{\"big\":\"" + value + "\",\"n\":1}";
  JsonSanitizer sanitizer;
  std::string out;
  EXPECT_EQ(sanitizer.Append(clean, out), JsonCleanliness::kClean);
  EXPECT_EQ(out, clean);

  std::string dirty = clean;
  dirty[dirty.size() / 2] = '\xff';
  out.clear();
  EXPECT_EQ(sanitizer.Append(dirty, out), JsonCleanliness::kRepaired);
  ExpectExportable(out, "5 MB string");
  // At worst the overwritten byte broke a 2- or 3-byte character into one U+FFFD per byte.
  EXPECT_GE(out.size(), dirty.size() + 2);
  EXPECT_LE(out.size(), dirty.size() + 6);
  EXPECT_EQ(json::parse(out)["n"], 1);
}

TEST(JsonSanitizerTest, DeepNestingDoesNotRecurse) {
  constexpr size_t kDepth = 100'000;
  const std::string arrays = std::string(kDepth, '[') + std::string(kDepth, ']');
  Result r = Sanitize(arrays);
  EXPECT_EQ(r.kind, JsonCleanliness::kClean);  // beyond simdjson's depth, but needs no change
  EXPECT_EQ(r.out, arrays);
  EXPECT_TRUE(json::accept(r.out));

  std::string objects;
  for (size_t i = 0; i < kDepth; ++i) objects += "{\"k\":\n";
  objects += "\"\xff\"";
  objects += std::string(kDepth, '}');
  r = Sanitize(objects);
  EXPECT_EQ(r.kind, JsonCleanliness::kRepaired);
  EXPECT_EQ(r.out.find('\n'), std::string::npos);
  EXPECT_EQ(r.out.size(), objects.size() - kDepth + 2);  // line breaks gone, \xff -> 3 bytes
  EXPECT_TRUE(json::accept(r.out));

  const std::string unclosed = std::string(kDepth, '[') + std::string(kDepth - 1, ']');
  r = Sanitize(unclosed);
  EXPECT_EQ(r.kind, JsonCleanliness::kNotJson);
  EXPECT_EQ(r.out, JsonQuote(unclosed));
}

TEST(JsonSanitizerTest, NumbersAreKeptAsWritten) {
  for (const std::string number : {"-0", "0", "1.5E-3", "-12.25e+10", "1e-400", "3"}) {
    const Result r = Sanitize(number);
    EXPECT_EQ(r.kind, JsonCleanliness::kClean) << number;
    EXPECT_EQ(r.out, number);
  }
  // Through the slow path too.
  const Result r = Sanitize("[\n-0, 1.5E-3,\t0.0, 2E+2, -1e-7\n]");
  EXPECT_EQ(r.kind, JsonCleanliness::kRepaired);
  EXPECT_EQ(r.out, "[-0,1.5E-3,0.0,2E+2,-1e-7]");
  ExpectExportable(r.out, "numbers");
}

// Decision: numbers that follow the JSON grammar are copied as written, even when they overflow a
// double (1e400) or a 64-bit integer. nlohmann and simdjson refuse those; rewriting them would
// lose data, and RFC 8259 allows them.
TEST(JsonSanitizerTest, OutOfRangeNumbersAreKept) {
  for (const std::string text :
       {"1e400", "-1E+999", "123456789012345678901234567890", R"({"big":18446744073709551616})"}) {
    const Result r = Sanitize(text);
    EXPECT_EQ(r.kind, JsonCleanliness::kClean) << text;
    EXPECT_EQ(r.out, text);
    ExpectExportable(r.out, text);
  }
  EXPECT_EQ(NlohmannParse("1e400").id, kNlohmannNumberOverflow);
  EXPECT_EQ(Sanitize("[ 1e400,\n-0 ]").out, "[1e400,-0]");
  EXPECT_EQ(Sanitize("{\"x\":1e400,\"s\":\"\xff\"}").out, "{\"x\":1e400,\"s\":\"\xEF\xBF\xBD\"}");
}

TEST(JsonSanitizerTest, NotJsonIsExportedAsString) {
  const std::vector<std::string> not_json = {
      R"({"a":)",
      "abc",
      "",
      " \n ",
      R"({"a":1} x)",
      R"({"a":1}{"b":2})",
      "[1,]",
      R"({"a":1,})",
      R"({"a" 1})",
      R"({'a':1})",
      R"({a:1})",
      R"("unterminated)",
      R"(["a\x"])",
      R"(["\u12"])",
      R"(["\u12g4"])",
      "[\"tab\there\"]",  // a raw control character in a string (see json_sanitizer.cc)
      "[\"line\nbreak\"]",
      "tru",
      "nulls",
      "01",
      "1.",
      ".5",
      "+1",
      "-",
      "1e",
      "1e+",
      "0x10",
      "NaN",
      "-Infinity",
      "[1 2]",
      "{\"a\":1]",
      "[}",
      "multi\nline \xff text\0with nul"s,
  };
  for (const auto& text : not_json) {
    const Result r = Sanitize(text);
    EXPECT_EQ(r.kind, JsonCleanliness::kNotJson) << JsonQuote(text);
    EXPECT_EQ(r.out, JsonQuote(text));
    ExpectExportable(r.out, text);
  }
  EXPECT_EQ(Sanitize("").out, R"("")");
  EXPECT_EQ(Sanitize(std::string_view()).out, R"("")");
  EXPECT_EQ(Sanitize(R"({"a":1} x)").out, R"("{\"a\":1} x")");
}

TEST(JsonSanitizerTest, NotJsonDiscardsPartialOutputOnly) {
  JsonSanitizer sanitizer;
  std::string out = "[";
  EXPECT_EQ(sanitizer.Append("{\"a\":[1,2,\"\xff\"", out), JsonCleanliness::kNotJson);
  EXPECT_EQ(out, "[\"{\\\"a\\\":[1,2,\\\"\xEF\xBF\xBD\\\"\"");
}

TEST(JsonSanitizerTest, Utf8BomIsStripped) {
  const Result r = Sanitize("\xEF\xBB\xBF{\"a\":1}");
  EXPECT_EQ(r.kind, JsonCleanliness::kRepaired);
  EXPECT_EQ(r.out, R"({"a":1})");
}

// Inserts one of the typical defects, or a random byte, somewhere in `text`.
void Mutate(std::string& text, std::mt19937& rng) {
  static const std::vector<std::string> kSnippets = {
      "\\ud800",  "\\udc00",  "\\u0000", "\\ud83d", "\\ude00", "\xff", "\xed\xa0\x80",
      "\xe2\x82", "\xc0\xaf", "\n",      "\r\n",    "\0"s,     "\"",   "\\",
      "{",        "}",        "[",       "]",       ",",       ":",    "\t",
      "\x01",     "e9",       "-",
  };
  std::uniform_int_distribution<size_t> pos(0, text.size() - 1);
  const size_t at = pos(rng);
  switch (rng() % 4) {
    case 0:
      text[at] = static_cast<char>(rng());
      break;
    case 1:
      text.insert(at, 1, static_cast<char>(rng()));
      break;
    case 2:
      text.erase(at, 1);
      break;
    default:
      text.insert(at, kSnippets[rng() % kSnippets.size()]);
  }
}

TEST(JsonSanitizerTest, RandomMutationsAlwaysGiveExportableJson) {
  std::mt19937 rng(20240607);
  JsonSanitizer sanitizer;
  int counts[3] = {};
  std::string out, again;
  for (int i = 0; i < 10'000; ++i) {
    std::string text = kEvent;
    const int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations; ++m) Mutate(text, rng);
    out.clear();
    const JsonCleanliness kind = sanitizer.Append(text, out);
    ++counts[static_cast<int>(kind)];
    ExpectExportable(out, text);
    if (kind == JsonCleanliness::kClean) {
      EXPECT_EQ(out, text);
    } else if (kind == JsonCleanliness::kNotJson) {
      EXPECT_EQ(out, JsonQuote(text));
    }
    // Outputs are fixed points: sanitizing them again changes nothing.
    again.clear();
    EXPECT_EQ(sanitizer.Append(out, again), JsonCleanliness::kClean) << JsonQuote(text);
    EXPECT_EQ(again, out);
    if (HasFailure()) break;
  }
  // Each outcome is exercised.
  EXPECT_GT(counts[0], 100);
  EXPECT_GT(counts[1], 1000);
  EXPECT_GT(counts[2], 1000);
}

}  // namespace
}  // namespace bx
