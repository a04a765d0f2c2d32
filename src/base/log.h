#pragma once
// Logging goes through spdlog's default logger, to stderr. Messages never carry secrets:
// configs are logged only through their redacted form.

#include <spdlog/spdlog.h>

#include <string_view>

namespace bx {

// level: "trace", "debug", "info", "warn", "error" (from --log-level or BATCH_EXPORT_LOG_LEVEL).
void InitLogging(std::string_view level);

}  // namespace bx
