// The export's read path stage by stage (issue #19): one interval of an embedded store read,
// then read + dedup, + JSON cleaning, + encoding, + compression, into a sink that only counts
// bytes, then the whole export into files. Each stage runs the whole interval and prints its
// CPU (user + sys of every thread of this process) and wall time, per run and per 1M rows, so
// that the difference between two lines is the cost of the stage added.
//
// usage: read_path_bench --source <events.db> --start <ISO> --end <ISO> [--out <dir>]
//                        [--repeat N] [--stages a,b,...]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/time.h"
#include "compress/compressing_sink.h"
#include "core/json_sanitizer.h"
#include "core/schemas.h"
#include "format/jsonl/jsonl_encoder.h"
#include "format/parquet/parquet_encoder.h"
#include "pipeline/deduplicator.h"
#include "pipeline/export_run.h"
#include "pipeline/read_ahead.h"
#include "sink/all/destinations.h"
#include "source/embedded/event_store.h"

namespace bx {
namespace {

class CountingSink : public ByteSink {
 public:
  void Append(std::string_view bytes) override { bytes_ += bytes.size(); }
  void Finish() override {}
  void Abort() noexcept override {}
  uint64_t BytesWritten() const override { return bytes_; }

 private:
  uint64_t bytes_ = 0;
};

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

struct Outcome {
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

struct Args {
  std::filesystem::path source;
  Interval interval;
  std::filesystem::path out = "/tmp/bx-read-path-bench";
};

// Reads the interval (the reader on its own thread, as an export does), calling `each` per batch.
Outcome ReadAll(const Args& args, bool dedup, const std::function<void(RecordBatch&)>& each) {
  EmbeddedSource source(args.source);
  const ModelSpec& model = GetModelSpec(Model::kEvents);
  ExportQuery query;
  query.interval = args.interval;
  ReadAheadReader reader(source.Read(query), *model.schema);
  Deduplicator dedup_filter(model.dedup_columns);
  RecordBatch batch(*model.schema);
  Outcome outcome;
  while (reader.Next(batch)) {
    if (dedup) dedup_filter.Filter(batch);
    outcome.rows += batch.num_rows();
    if (each) each(batch);
  }
  return outcome;
}

Outcome Encode(const Args& args, FileFormat format, Compression compression) {
  const Schema& schema = *GetModelSpec(Model::kEvents).schema;
  auto counting = std::make_unique<CountingSink>();
  CountingSink* bytes = counting.get();
  std::unique_ptr<Encoder> encoder;
  if (format == FileFormat::kJsonLines) {
    encoder = MakeJsonLinesEncoder(schema, MakeCompressingSink(compression, std::move(counting)));
  } else {
    ParquetOptions options;
    options.compression = compression;
    encoder = MakeParquetEncoder(schema, std::move(counting), options);
  }
  Outcome outcome =
      ReadAll(args, true, [&](RecordBatch& batch) { encoder->Add(batch, 0, batch.num_rows()); });
  encoder->Finish();
  outcome.bytes = bytes->BytesWritten();
  return outcome;
}

Outcome Export(const Args& args, const std::string& format, const std::string& compression) {
  const std::filesystem::path dir = args.out / (format + "-" + compression);
  std::filesystem::remove_all(dir);
  const nlohmann::json definition = {
      {"name", "bench"},
      {"interval", "day"},
      {"destination",
       {{"type", "File"},
        {"config", {{"path", dir}, {"file_format", format}, {"compression", compression}}}}}};
  const ExportDefinition def = ParseValidExport(definition);
  EmbeddedSource source(args.source);
  std::unique_ptr<Destination> destination = MakeDestination(def);
  const RunResult result = ExportInterval(def, args.interval, source, *destination);
  return {result.rows, result.bytes};
}

struct Stage {
  std::string name;
  std::string what;
  std::function<Outcome(const Args&)> run;
};

std::vector<Stage> Stages() {
  return {
      {"read", "rows read from the store into batches (reader thread)",
       [](const Args& a) { return ReadAll(a, false, nullptr); }},
      {"read+dedup", "+ the run's duplicate filter",
       [](const Args& a) { return ReadAll(a, true, nullptr); }},
      {"+clean", "+ JSON columns cleaned (JsonSanitizer) into a scratch buffer",
       [](const Args& a) {
         JsonSanitizer sanitizer;
         std::string scratch;
         uint64_t bytes = 0;
         const Schema& schema = *GetModelSpec(Model::kEvents).schema;
         Outcome o = ReadAll(a, true, [&](RecordBatch& batch) {
           for (size_t c = 0; c < schema.fields.size(); ++c) {
             if (schema.fields[c].type != ColumnType::kJson) continue;
             const Column& column = batch.column(c);
             for (size_t r = 0; r < column.size(); ++r) {
               if (column.IsNull(r)) continue;
               scratch.clear();
               sanitizer.Append(column.String(r), scratch);
               bytes += scratch.size();
             }
           }
         });
         o.bytes = bytes;
         return o;
       }},
      {"+jsonl", "+ JSON lines encoding (cleaning included), no compression",
       [](const Args& a) { return Encode(a, FileFormat::kJsonLines, Compression::kNone); }},
      {"+jsonl+zstd", "+ zstd on the encoding thread",
       [](const Args& a) { return Encode(a, FileFormat::kJsonLines, Compression::kZstd); }},
      {"export-jsonl-zstd", "the export: File destination, JSON lines zstd (compressor thread)",
       [](const Args& a) { return Export(a, "JSONLines", "zstd"); }},
      {"+parquet", "+ Parquet encoding, no compression",
       [](const Args& a) { return Encode(a, FileFormat::kParquet, Compression::kNone); }},
      {"+parquet+zstd", "+ Parquet with zstd pages",
       [](const Args& a) { return Encode(a, FileFormat::kParquet, Compression::kZstd); }},
      {"export-parquet-zstd", "the export: File destination, Parquet zstd",
       [](const Args& a) { return Export(a, "Parquet", "zstd"); }},
  };
}

int Main(int argc, char** argv) {
  Args args;
  int repeat = 1;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--source")
      args.source = value;
    else if (flag == "--start")
      args.interval.start = ParseIsoTime(value, flag);
    else if (flag == "--end")
      args.interval.end = ParseIsoTime(value, flag);
    else if (flag == "--out")
      args.out = value;
    else if (flag == "--repeat")
      repeat = std::stoi(value);
    else if (flag == "--stages")
      only = "," + value + ",";
    else {
      fmt::print(stderr, "unknown flag {}\n", flag);
      return 2;
    }
  }
  if (args.source.empty() || args.interval.end <= args.interval.start) {
    fmt::print(stderr,
               "usage: read_path_bench --source <db> --start <ISO> --end <ISO> "
               "[--out dir] [--repeat N] [--stages a,b]\n");
    return 2;
  }
  fmt::print("{:<20} {:>9} {:>8} {:>8} {:>10} {:>10} {:>13}  {}\n", "stage", "rows", "cpu_s",
             "wall_s", "cpu_s/1M", "rows/cpu_s", "bytes", "what");
  for (const Stage& stage : Stages()) {
    if (!only.empty() && only.find("," + stage.name + ",") == std::string::npos) continue;
    for (int r = 0; r < repeat; ++r) {
      const double cpu0 = CpuSeconds();
      const auto wall0 = std::chrono::steady_clock::now();
      const Outcome o = stage.run(args);
      const double cpu = CpuSeconds() - cpu0;
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
      fmt::print("{:<20} {:>9} {:>8.2f} {:>8.2f} {:>10.2f} {:>10.0f} {:>13}  {}\n", stage.name,
                 o.rows, cpu, wall, cpu / (o.rows / 1e6), o.rows / cpu, o.bytes, stage.what);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace bx

int main(int argc, char** argv) { return bx::Main(argc, argv); }
