#include "pipeline/destinations.h"

#include "base/error.h"
#include "compress/compressing_sink.h"
#include "format/jsonl/jsonl_encoder.h"
#include "format/parquet/parquet_encoder.h"
#include "sink/file/file_object_store.h"

namespace bx {

std::unique_ptr<ObjectStore> MakeObjectStore(const ExportDefinition& def) {
  if (auto* file = std::get_if<FileDestinationConfig>(&def.destination)) {
    return std::make_unique<FileObjectStore>(file->path);
  }
  throw Error(ErrorKind::kInternal, "InternalError",
              "no object store for destination " + def.destination_type);
}

EncoderFactory MakeEncoderFactory(const FileOutput& output, const Schema& schema) {
  const Compression compression = output.keys.compression;
  switch (output.keys.format) {
    case FileFormat::kJsonLines:
      return [&schema, compression](std::unique_ptr<ByteSink> sink) {
        return MakeJsonLinesEncoder(schema, MakeCompressingSink(compression, std::move(sink)));
      };
    case FileFormat::kParquet:
      return [&schema, compression](std::unique_ptr<ByteSink> sink) -> std::unique_ptr<Encoder> {
        ParquetOptions options;
        options.compression = compression;
        return MakeParquetEncoder(schema, std::move(sink), options);
      };
  }
  throw Error(ErrorKind::kInternal, "InternalError", "unknown file format");
}

}  // namespace bx
