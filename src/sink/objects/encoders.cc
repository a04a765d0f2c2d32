#include "sink/objects/encoders.h"

#include "base/error.h"
#include "compress/compressing_sink.h"
#include "format/jsonl/jsonl_encoder.h"
#include "format/parquet/parquet_encoder.h"
#include "io/background_sink.h"

namespace bx {

EncoderFactory MakeEncoderFactory(const FileOutput& output, const Schema& schema) {
  const Compression compression = output.keys.compression;
  switch (output.keys.format) {
    case FileFormat::kJsonLines:
      return [&schema, compression](std::unique_ptr<ByteSink> sink) {
        std::unique_ptr<ByteSink> compressed = MakeCompressingSink(compression, std::move(sink));
        // Compression costs as much as encoding: on a thread of its own, the two overlap.
        if (compression != Compression::kNone) {
          compressed = MakeBackgroundSink(std::move(compressed));
        }
        return MakeJsonLinesEncoder(schema, std::move(compressed));
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
