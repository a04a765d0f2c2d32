// Parquet encoding speed and size on event rows, one thread, against DuckDB's COPY (see
// bench/parquet-vs-duckdb, which runs this and tools/node/duckdb_copy_bench.mjs on the same rows).
//
// usage: parquet_bench [--rows N=5000000] [--out DIR=/tmp/bx-parquet-bench]
//                      [--compression zstd,snappy] [--ndjson FILE] [--repeat 1]
// Generates the rows once (deterministic, in the shape of tools' gen_events: uuid, 8 event names,
// 200k users, ~300 B properties), optionally writes them as NDJSON for DuckDB to load, then times
// ParquetEncoder::Add + Finish over all of them into DIR/bx_<compression>.parquet (a plain file,
// no fsync, as DuckDB's COPY). Prints one JSON line per run.

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/strings.h"
#include "base/time.h"
#include "core/schemas.h"
#include "format/parquet/parquet_encoder.h"

namespace bx {
namespace {

constexpr size_t kBatchRows = 65536;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Writes straight to a file through a 1 MiB buffer; no fsync, no rename (benchmark only).
class PlainFileSink : public ByteSink {
 public:
  explicit PlainFileSink(const std::string& path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(ErrorKind::kNonRetryable, "BenchError", "cannot create " + path);
    buffer_.reserve(1 << 20);
  }
  ~PlainFileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void Append(std::string_view bytes) override {
    written_ += bytes.size();
    if (buffer_.size() + bytes.size() > (1 << 20)) Flush();
    if (bytes.size() >= (1 << 20)) {
      WriteAll(bytes);
    } else {
      buffer_.append(bytes);
    }
  }
  void Finish() override {
    Flush();
    ::close(fd_);
    fd_ = -1;
  }
  void Abort() noexcept override {}
  uint64_t BytesWritten() const override { return written_; }

 private:
  void Flush() {
    WriteAll(buffer_);
    buffer_.clear();
  }
  void WriteAll(std::string_view b) {
    while (!b.empty()) {
      const ssize_t n = ::write(fd_, b.data(), b.size());
      if (n < 0) throw Error(ErrorKind::kNonRetryable, "BenchError", "write failed");
      b.remove_prefix(static_cast<size_t>(n));
    }
  }
  int fd_ = -1;
  std::string buffer_;
  uint64_t written_ = 0;
};

// xorshift32 with a fixed seed: the same rows on every run.
class Rng {
 public:
  uint32_t Next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 17;
    s_ ^= s_ << 5;
    return s_;
  }

 private:
  uint32_t s_ = 0x9e3779b9u;
};

std::string Hex(uint64_t v, int width) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(width, '0');
  for (int i = width - 1; i >= 0; --i, v >>= 4) s[i] = kDigits[v & 15];
  return s;
}

std::vector<std::unique_ptr<RecordBatch>> GenerateEvents(size_t rows) {
  static const char* kEvents[] = {
      "$pageview", "$autocapture", "$pageleave",     "signup",
      "purchase",  "$identify",    "button_clicked", "$feature_flag_called"};
  static const char* kBrowsers[] = {"Chrome", "Firefox", "Safari", "Edge"};
  static const char* kOs[] = {"Mac OS X", "Windows", "Linux", "iOS", "Android"};
  const Schema& schema = FileSchema(Model::kEvents);
  std::vector<std::unique_ptr<RecordBatch>> batches;
  Rng rng;
  const int64_t t0 = FromCivilUtc(2024, 5, 1);
  std::string s;
  for (size_t i = 0; i < rows; ++i) {
    if (i % kBatchRows == 0) batches.push_back(std::make_unique<RecordBatch>(schema));
    RecordBatch& b = *batches.back();
    const int64_t ts = t0 + static_cast<int64_t>(i) * 1000 + rng.Next() % 1000;
    const uint64_t ms = static_cast<uint64_t>(ts / 1000);
    b.column(events_col::kUuid)
        .AppendString(Hex(ms / 65536, 8) + "-" + Hex(ms % 65536, 4) + "-7" +
                      Hex(rng.Next() % 4096, 3) + "-" + Hex(0x8000 | (rng.Next() % 0x4000), 4) +
                      "-" + Hex(rng.Next(), 8) + Hex(rng.Next() % 65536, 4));
    const char* event = kEvents[rng.Next() % 8];
    b.column(events_col::kEvent).AppendString(event);
    const uint32_t user = rng.Next() % 200000;
    b.column(events_col::kDistinctId).AppendString("user_" + std::to_string(user));
    b.column(events_col::kPersonId)
        .AppendString("0189" + Hex(user * 2654435761u, 4) + "-0000-7000-8000-" + Hex(user, 12));
    s = "{\"$current_url\":\"https://example.com/products/" + std::to_string(rng.Next() % 1000) +
        "?utm_source=newsletter&utm_campaign=c" + std::to_string(rng.Next() % 50) +
        "\",\"$browser\":\"" + kBrowsers[rng.Next() % 4] +
        "\",\"$browser_version\":" + std::to_string(100 + rng.Next() % 30) + ",\"$os\":\"" +
        kOs[rng.Next() % 5] +
        "\",\"$screen_height\":1080,\"$screen_width\":1920,\"$lib\":\"web\",\"$lib_version\":"
        "\"1.130.2\",\"$session_id\":\"" +
        Hex(rng.Next(), 8) + "-" + Hex(rng.Next() % 65536, 4) + "-7abc-8def-" + Hex(rng.Next(), 8) +
        "beef\",\"plan\":\"" + (rng.Next() % 3 ? "free" : "pro") +
        "\",\"price\":" + std::to_string(rng.Next() % 10000 / 100) + "." +
        std::to_string(rng.Next() % 100) + "}";
    b.column(events_col::kProperties).AppendString(s);
    if (rng.Next() % 4 == 0) {
      b.column(events_col::kPersonProperties).AppendNull();
    } else {
      b.column(events_col::kPersonProperties)
          .AppendString("{\"email\":\"user_" + std::to_string(user) + "@example.com\"}");
    }
    if (std::string_view(event) == "$autocapture") {
      b.column(events_col::kElementsChain)
          .AppendString("button.btn:text=\"Buy now\"nth-child=\"" + std::to_string(rng.Next() % 5) +
                        "\";div.card:nth-child=\"2\"");
    } else {
      b.column(events_col::kElementsChain).AppendString("");
    }
    b.column(events_col::kTimestamp).AppendInt(ts);
    b.column(events_col::kCreatedAt).AppendInt(ts + 200);
    b.column(events_col::kInsertedAt).AppendInt(ts + 1500000 + rng.Next() % 1000000);
  }
  return batches;
}

void WriteNdjson(const std::vector<std::unique_ptr<RecordBatch>>& batches,
                 const std::string& path) {
  PlainFileSink sink(path);
  std::string line;
  char iso[kIsoMicrosLength];
  for (const auto& bp : batches) {
    const RecordBatch& b = *bp;
    const Schema& schema = b.schema();
    for (size_t r = 0; r < b.num_rows(); ++r) {
      line.clear();
      line += '{';
      for (size_t c = 0; c < b.num_columns(); ++c) {
        if (c > 0) line += ',';
        line += '"' + schema.fields[c].name + "\":";
        const Column& col = b.column(c);
        if (col.IsNull(r)) {
          line += "null";
        } else if (col.type() == ColumnType::kTimestamp) {
          WriteIsoMicros(col.Int(r), iso);
          line += '"';
          line.append(iso, kIsoMicrosLength);
          line += '"';
        } else if (col.type() == ColumnType::kInt64) {
          line += std::to_string(col.Int(r));
        } else if (col.type() == ColumnType::kBool) {
          line += col.Bool(r) ? "true" : "false";
        } else {
          line += '"';
          AppendJsonEscaped(col.String(r), line);
          line += '"';
        }
      }
      line += "}\n";
      sink.Append(line);
    }
  }
  sink.Finish();
}

int Main(int argc, char** argv) {
  size_t rows = 5'000'000;
  std::string out = "/tmp/bx-parquet-bench", ndjson, compressions = "zstd,snappy";
  int repeat = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--rows") {
      rows = std::stoull(value);
    } else if (flag == "--out") {
      out = value;
    } else if (flag == "--ndjson") {
      ndjson = value;
    } else if (flag == "--compression") {
      compressions = value;
    } else if (flag == "--repeat") {
      repeat = std::stoi(value);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::filesystem::create_directories(out);
  const auto g0 = std::chrono::steady_clock::now();
  const auto batches = GenerateEvents(rows);
  uint64_t raw = 0;
  for (const auto& b : batches) raw += b->ByteSize();
  std::fprintf(stderr, "generated %zu rows (%.1f MB in buffers) in %.1f s\n", rows, raw / 1e6,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count());
  if (!ndjson.empty()) {
    WriteNdjson(batches, ndjson);
    std::fprintf(stderr, "wrote %s\n", ndjson.c_str());
  }
  size_t start = 0;
  while (start < compressions.size()) {
    size_t comma = compressions.find(',', start);
    if (comma == std::string::npos) comma = compressions.size();
    const std::string name = compressions.substr(start, comma - start);
    start = comma + 1;
    const std::optional<Compression> c = ParseCompression(name);
    if (!c) {
      std::fprintf(stderr, "unknown compression %s\n", name.c_str());
      return 2;
    }
    for (int run = 0; run < repeat; ++run) {
      const std::string path = out + "/bx_" + name + ".parquet";
      ParquetOptions options;
      options.compression = *c;
      const auto t0 = std::chrono::steady_clock::now();
      const double cpu0 = CpuSeconds();
      auto sink = std::make_unique<PlainFileSink>(path);
      auto enc = MakeParquetEncoder(FileSchema(Model::kEvents), std::move(sink), options);
      for (const auto& b : batches) enc->Add(*b, 0, b->num_rows());
      const uint64_t estimate = enc->EstimatedFileBytes();
      enc->Finish();
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double cpu = CpuSeconds() - cpu0;
      const uint64_t bytes = std::filesystem::file_size(path);
      std::printf(
          "{\"writer\":\"batch-export\",\"compression\":\"%s\",\"rows\":%zu,\"seconds\":%.3f,"
          "\"rows_per_s\":%.0f,\"cpu_seconds\":%.3f,\"rows_per_cpu_s\":%.0f,\"bytes\":%llu,"
          "\"estimate_before_finish\":%llu,\"row_groups\":%zu,"
          "\"file\":\"%s\"}\n",
          name.c_str(), rows, s, rows / s, cpu, rows / cpu, static_cast<unsigned long long>(bytes),
          static_cast<unsigned long long>(estimate), enc->row_groups(), path.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace bx

int main(int argc, char** argv) {
  try {
    return bx::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parquet_bench: %s\n", e.what());
    return 1;
  }
}
