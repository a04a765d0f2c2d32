#pragma once

#include <memory>

#include "format/encoder.h"

namespace bx {

struct JsonLinesOptions {
  // JSON columns as strings holding the (cleaned) JSON text, for a reader whose column is text
  // (BigQuery's STRING).
  bool json_as_string = false;
};

// JSON lines: one object per row, keys in schema order; JSON columns embedded as values
// (cleaned by JsonSanitizer), timestamps as "2024-01-15T01:00:00.123456+00:00", nulls as null.
// `sink` is usually a compressing sink wrapping the object's sink.
std::unique_ptr<Encoder> MakeJsonLinesEncoder(const Schema& schema, std::unique_ptr<ByteSink> sink,
                                              JsonLinesOptions options = {});

}  // namespace bx
