#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "base/error.h"

namespace bx {

void InitLogging(std::string_view level) {
  auto logger = spdlog::stderr_color_mt("batch-export");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  const auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    throw InvalidArgument("--log-level", "unknown level '" + std::string(level) +
                                             "'; use trace, debug, info, warn or error");
  }
  logger->set_level(parsed);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace bx
