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

std::vector<ConfigField> FileOutputFields() {
  return {
      {.name = "prefix",
       .label = "Key prefix",
       .help = "Where an interval's files go under the destination. Variables from the interval "
               "end: {year} {month} {day} {hour} {minute} {second} {table} "
               "{data_interval_start} {data_interval_end}. No '..' segments, no control "
               "characters. Two exports may not write the same place.",
       .placeholder = "events/{year}/{month}/{day}"},
      {.name = "file_format",
       .label = "File format",
       .kind = FieldKind::kEnum,
       .default_value = "JSONLines",
       .help = "JSON lines, or Parquet (every column optional, timestamps as "
               "TIMESTAMP(MICROS, UTC)).",
       .options = {"JSONLines", "Parquet"}},
      {.name = "compression",
       .label = "Compression",
       .kind = FieldKind::kEnum,
       .default_value = "none",
       .help = "JSONLines: gzip, zstd, brotli, lz4 or none (whole file). Parquet: zstd, snappy, "
               "gzip, brotli, lz4 or none (per page, inside the file).",
       .options = {"none", "gzip", "zstd", "brotli", "lz4", "snappy"}},
      {.name = "max_file_size_mb",
       .label = "Max file size (MB)",
       .kind = FieldKind::kNumber,
       .help = "Split an interval's files at this size (compressed): numbered keys and a "
               "manifest. Empty or 0: one file per interval.",
       .placeholder = "100"},
      {.name = "legacy_parquet_extension",
       .label = "Legacy Parquet extension",
       .kind = FieldKind::kBoolean,
       .default_value = false,
       .help = "Add the codec to Parquet keys (.parquet.zst), as older versions of the reference "
               "product did."},
  };
}

}  // namespace bx
