#include "format/jsonl/jsonl_encoder.h"

#include <gtest/gtest.h>

#include "testing/compress_test_util.h"

namespace bx {
namespace {

const Schema& TestSchema() {
  static const Schema schema{"t",
                             {{"name", ColumnType::kString},
                              {"props", ColumnType::kJson},
                              {"n", ColumnType::kInt64},
                              {"at", ColumnType::kTimestamp},
                              {"ok", ColumnType::kBool}}};
  return schema;
}

std::string Encode(JsonLinesOptions options, const std::string& props, bool known_clean = false) {
  RecordBatch batch(TestSchema());
  batch.column(0).AppendString("a \"q\"");
  batch.column(1).AppendString(props, known_clean);
  batch.column(2).AppendInt(-7);
  batch.column(3).AppendInt(1'700'000'000'123'456);
  batch.column(4).AppendBool(true);
  testutil::MemorySink::State state;
  auto encoder =
      MakeJsonLinesEncoder(TestSchema(), std::make_unique<testutil::MemorySink>(&state), options);
  encoder->Add(batch, 0, 1);
  encoder->Finish();
  return state.bytes;
}

TEST(JsonLinesEncoder, EmbedsJsonColumnsAsValues) {
  EXPECT_EQ(Encode({}, R"({"a": [1, "x"]})"),
            R"({"name":"a \"q\"","props":{"a": [1, "x"]},"n":-7,)"
            R"("at":"2023-11-14T22:13:20.123456+00:00","ok":true})"
            "\n");
}

TEST(JsonLinesEncoder, WritesJsonColumnsAsStringsWhenAsked) {
  EXPECT_EQ(Encode({.json_as_string = true}, R"({"a": [1, "x"]})"),
            R"({"name":"a \"q\"","props":"{\"a\": [1, \"x\"]}","n":-7,)"
            R"("at":"2023-11-14T22:13:20.123456+00:00","ok":true})"
            "\n");
}

TEST(JsonLinesEncoder, AsStringsTheJsonIsCleanedFirst) {
  // Not JSON at all: exported as a JSON string, which as text is quoted once more.
  EXPECT_EQ(Encode({.json_as_string = true}, "not json"),
            R"({"name":"a \"q\"","props":"\"not json\"","n":-7,)"
            R"("at":"2023-11-14T22:13:20.123456+00:00","ok":true})"
            "\n");
}

// The embedded store vouches for what it checked at ingest (Column::KnownClean): such a value is
// copied without a second look. Shown with a value the check would have changed.
TEST(JsonLinesEncoder, AValueKnownCleanIsCopiedWithoutBeingChecked) {
  const std::string props = R"({"a":"\u0000"})";
  EXPECT_NE(Encode({}, props), Encode({}, props, /*known_clean=*/true));
  EXPECT_EQ(Encode({}, props, true), R"({"name":"a \"q\"","props":{"a":"\u0000"},"n":-7,)"
                                     R"("at":"2023-11-14T22:13:20.123456+00:00","ok":true})"
                                     "\n");
  EXPECT_EQ(Encode({.json_as_string = true}, props, true),
            R"({"name":"a \"q\"","props":"{\"a\":\"\\u0000\"}","n":-7,)"
            R"("at":"2023-11-14T22:13:20.123456+00:00","ok":true})"
            "\n");
}

}  // namespace
}  // namespace bx
