#include "source/all/sources.h"

#include "base/error.h"
#include "source/clickhouse/clickhouse_source.h"
#include "source/embedded/event_store.h"

namespace bx {

std::optional<std::filesystem::path> EmbeddedStorePath(const std::string& spec) {
  constexpr std::string_view kScheme = "embedded:";
  if (spec.rfind(kScheme, 0) == 0) return std::filesystem::path(spec.substr(kScheme.size()));
  if (spec.find("://") != std::string::npos) return std::nullopt;  // a URL of another source
  return std::filesystem::path(spec);
}

std::string DescribeSource(const std::string& spec) {
  if (IsClickHouseUrl(spec)) return ParseClickHouseUrl(spec).Describe();
  return spec;
}

std::shared_ptr<Source> OpenSource(const std::string& spec, bool create_if_missing) {
  if (spec.empty()) throw InvalidArgument("--source", "is required");
  if (auto path = EmbeddedStorePath(spec)) {
    if (path->empty()) throw InvalidArgument("--source", "'" + spec + "' names no file");
    if (create_if_missing) {
      if (path->has_parent_path()) std::filesystem::create_directories(path->parent_path());
      EventStore create(*path);
    }
    return std::make_shared<EmbeddedSource>(*path);
  }
  if (IsClickHouseUrl(spec)) return std::make_shared<ClickHouseSource>(ParseClickHouseUrl(spec));
  throw InvalidArgument("--source", "'" + spec.substr(0, spec.find("://")) +
                                        "://' is not a source this program reads; give the path "
                                        "of an embedded store or a clickhouse:// URL");
}

}  // namespace bx
