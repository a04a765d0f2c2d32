#pragma once
// The sources this program reads, chosen by the one `--source` form that `export`, `serve` and
// `worker` share: a path to the embedded store (or "embedded:<path>"), or a ClickHouse URL
// (clickhouse://..., source/clickhouse/clickhouse_config.h). Adding a source is a
// folder under source/ and one line in sources.cc.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "source/source.h"

namespace bx {

// Opens the source `spec` names; throws InvalidArgument("--source", ...) for a form no source
// takes. `create_if_missing`: an embedded store that does not exist yet is created empty (a
// fresh `serve` node, which the capture endpoint fills).
std::shared_ptr<Source> OpenSource(const std::string& spec, bool create_if_missing);

// `spec` as logs and messages may show it: a URL without its password.
std::string DescribeSource(const std::string& spec);

// The embedded store's file when `spec` names one (capture writes there); nullopt otherwise.
std::optional<std::filesystem::path> EmbeddedStorePath(const std::string& spec);

}  // namespace bx
