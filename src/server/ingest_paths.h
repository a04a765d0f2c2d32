#pragma once
// The paths the product-analytics SDKs and snippets call without a token: capture (events in)
// and feature flags (answered with "no flags"). Each with or without a trailing slash.

#include <string_view>

namespace bx {

enum class IngestPath {
  kNone,     // not an ingestion path (the API, /healthz, /metrics, or nothing)
  kCapture,  // /capture /batch /e /i/v0/e /track /engage
  kFlags,    // /decide /flags
};

IngestPath ClassifyIngestPath(std::string_view path);

}  // namespace bx
