#include "core/formats.h"

namespace bx {

std::optional<FileFormat> ParseFileFormat(std::string_view name) {
  if (name == "JSONLines") return FileFormat::kJsonLines;
  if (name == "Parquet") return FileFormat::kParquet;
  return std::nullopt;
}

std::string_view FileFormatName(FileFormat f) {
  return f == FileFormat::kJsonLines ? "JSONLines" : "Parquet";
}

std::string_view FileExtension(FileFormat f) {
  return f == FileFormat::kJsonLines ? "jsonl" : "parquet";
}

std::optional<Compression> ParseCompression(std::string_view name) {
  if (name.empty() || name == "none") return Compression::kNone;
  if (name == "gzip") return Compression::kGzip;
  if (name == "brotli") return Compression::kBrotli;
  if (name == "zstd") return Compression::kZstd;
  if (name == "lz4") return Compression::kLz4;
  if (name == "snappy") return Compression::kSnappy;
  return std::nullopt;
}

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kBrotli:
      return "brotli";
    case Compression::kZstd:
      return "zstd";
    case Compression::kLz4:
      return "lz4";
    case Compression::kSnappy:
      return "snappy";
  }
  return "none";
}

std::string_view CompressionExtension(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "";
    case Compression::kGzip:
      return "gz";
    case Compression::kBrotli:
      return "br";
    case Compression::kZstd:
      return "zst";
    case Compression::kLz4:
      return "lz4";
    case Compression::kSnappy:
      return "sz";
  }
  return "";
}

bool FormatSupports(FileFormat f, Compression c) {
  // Snappy has no standard stream framing for a whole JSON lines file; Parquet has it per page.
  return f == FileFormat::kParquet || c != Compression::kSnappy;
}

}  // namespace bx
