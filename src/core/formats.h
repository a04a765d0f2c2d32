#pragma once
// File formats and compressions of the object-store destinations, with their names in the
// API and their key extensions, as the reference system names them.

#include <optional>
#include <string>
#include <string_view>

namespace bx {

enum class FileFormat { kJsonLines, kParquet };
enum class Compression { kNone, kGzip, kBrotli, kZstd, kLz4, kSnappy };

std::optional<FileFormat> ParseFileFormat(std::string_view name);  // "JSONLines", "Parquet"
std::string_view FileFormatName(FileFormat f);
std::string_view FileExtension(FileFormat f);  // "jsonl", "parquet"

// "gzip", "brotli", "zstd", "lz4", "snappy"; "none" and "" mean no compression.
std::optional<Compression> ParseCompression(std::string_view name);
std::string_view CompressionName(Compression c);  // "none" for kNone
std::string_view CompressionExtension(
    Compression c);  // "gz", "br", "zst", "lz4", "sz"; "" for none
bool FormatSupports(FileFormat f, Compression c);

}  // namespace bx
