#include "sink/objects/file_output.h"

#include <fmt/format.h>

#include "base/error.h"

namespace bx {
namespace {

constexpr double kMaxFileSizeMb = 1024 * 1024;  // 1 TiB: beyond any object store's object limit

}  // namespace

FileOutput ParseFileOutput(JsonFields& config) {
  FileOutput out;
  out.keys.prefix_template = config.OptionalString("prefix").value_or("");
  ValidatePrefixTemplate(out.keys.prefix_template, config.Path("prefix"));

  const std::string format_name = config.OptionalString("file_format").value_or("JSONLines");
  const auto format = ParseFileFormat(format_name);
  if (!format) {
    throw InvalidArgument(config.Path("file_format"),
                          "'" + format_name + "' is not a file format; use JSONLines or Parquet");
  }
  out.keys.format = *format;

  const std::string codec_name = config.OptionalString("compression").value_or("");
  const auto codec = ParseCompression(codec_name);
  if (!codec || !FormatSupports(*format, *codec)) {
    throw InvalidArgument(
        config.Path("compression"),
        fmt::format("'{}' is not available for {}; use {}", codec_name, format_name,
                    *format == FileFormat::kParquet ? "zstd, lz4, snappy, gzip, brotli or none"
                                                    : "gzip, brotli, zstd, lz4 or none"));
  }
  out.keys.compression = *codec;

  const auto mb = config.OptionalNumber("max_file_size_mb", 0, kMaxFileSizeMb);
  if (mb && *mb > 0) {
    out.max_file_size_bytes = static_cast<uint64_t>(*mb * 1024 * 1024);
    out.keys.numbered = true;
  }
  out.keys.legacy_parquet_extension =
      config.OptionalBool("legacy_parquet_extension").value_or(false);
  return out;
}

}  // namespace bx
