// Implementation of parquet_test_util.h. Named *_test.cc so that it is compiled into the test
// binary only (cmake/Module.cmake), never into the library.

#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/local_file_sink.h"
#include "testing/parquet_test_util.h"

#ifndef BX_SOURCE_DIR
#error "BX_SOURCE_DIR must point at the repository (CMakeLists.txt sets it for this test)"
#endif

namespace bx::parquet::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kNodeDir = fs::path(BX_SOURCE_DIR) / "tools" / "node";

std::string Hex(uint64_t v, int width) {
  static const char* kDigits = "0123456789abcdef";
  std::string s(width, '0');
  for (int i = width - 1; i >= 0; --i, v >>= 4) s[i] = kDigits[v & 15];
  return s;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The expected statistics of rows [begin, end) of one column, as DuckDB prints them.
struct Expected {
  size_t nulls = 0;
  bool has = false;
  std::string min_s, max_s;  // strings: raw bytes
  int64_t min_i = 0, max_i = 0;
};

Expected ExpectedStats(const Column& c, size_t begin, size_t end) {
  Expected e;
  const bool is_string = c.type() == ColumnType::kString || c.type() == ColumnType::kJson;
  for (size_t r = begin; r < end; ++r) {
    if (c.IsNull(r)) {
      ++e.nulls;
      continue;
    }
    if (is_string) {
      const std::string_view s = c.String(r);
      if (!e.has || s < e.min_s) e.min_s = s;
      if (!e.has || s > e.max_s) e.max_s = s;
    } else {
      const int64_t v = c.type() == ColumnType::kBool ? (c.Bool(r) ? 1 : 0) : c.Int(r);
      if (!e.has || v < e.min_i) e.min_i = v;
      if (!e.has || v > e.max_i) e.max_i = v;
    }
    e.has = true;
  }
  return e;
}

std::string Str(const json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

std::string ExpectedText(const Column& c, int64_t v) {
  if (c.type() == ColumnType::kBool) return v ? "true" : "false";
  return std::to_string(v);
}

}  // namespace

const Schema& AllTypesSchema() {
  static const Schema kSchema{"all_types",
                              {{"s", ColumnType::kString},
                               {"j", ColumnType::kJson},
                               {"i", ColumnType::kInt64},
                               {"t", ColumnType::kTimestamp},
                               {"b", ColumnType::kBool}}};
  return kSchema;
}

void AppendEvents(RecordBatch& batch, size_t n, uint64_t seed, size_t properties_bytes,
                  size_t null_every) {
  static const char* kEvents[] = {
      "$pageview", "$autocapture", "$pageleave",     "signup",
      "purchase",  "$identify",    "button_clicked", "$feature_flag_called"};
  static const char* kBrowsers[] = {"Chrome", "Firefox", "Safari", "Edge"};
  Rng rng(seed);
  const int64_t t0 = 1714521600000000;  // 2024-05-01
  std::string s;
  const size_t start = batch.num_rows();
  auto is_null = [&](size_t row, size_t col) {
    return null_every != 0 && (row + col) % null_every == 0;
  };
  for (size_t k = 0; k < n; ++k) {
    const size_t row = start + k;
    const int64_t ts =
        t0 + static_cast<int64_t>(row) * 1000 + static_cast<int64_t>(rng.Below(1000));
    const uint64_t user = rng.Below(200000);
    auto put = [&](size_t col, std::string_view v) {
      if (is_null(row, col)) {
        batch.column(col).AppendNull();
      } else {
        batch.column(col).AppendString(v);
      }
    };
    auto put_int = [&](size_t col, int64_t v) {
      if (is_null(row, col)) {
        batch.column(col).AppendNull();
      } else {
        batch.column(col).AppendInt(v);
      }
    };
    s = Hex(static_cast<uint64_t>(ts / 1000) >> 16, 8) + "-" + Hex(ts / 1000 % 65536, 4) + "-7" +
        Hex(rng.Below(4096), 3) + "-" + Hex(0x8000 | rng.Below(0x4000), 4) + "-" +
        Hex(rng.Next(), 12);
    put(0, s);
    const char* event = kEvents[rng.Below(8)];
    put(1, event);
    put(2, "user_" + std::to_string(user));
    put(3, "0189" + Hex(user * 2654435761u, 4) + "-0000-7000-8000-" + Hex(user, 12));
    s = "{\"$current_url\":\"https://example.com/products/" + std::to_string(rng.Below(1000)) +
        "?utm_source=newsletter&utm_campaign=c" + std::to_string(rng.Below(50)) +
        "\",\"$browser\":\"" + kBrowsers[rng.Below(4)] +
        "\",\"$browser_version\":" + std::to_string(100 + rng.Below(30)) + ",\"$session_id\":\"" +
        Hex(rng.Next(), 16) + "\",\"plan\":\"" + (rng.Below(3) ? "free" : "pro") +
        "\",\"price\":" + std::to_string(rng.Below(10000) / 100.0).substr(0, 5);
    while (s.size() + 2 < properties_bytes) s += ",\"k" + std::to_string(s.size()) + "\":1";
    s += "}";
    put(4, s);
    put(5, "{\"email\":\"user_" + std::to_string(user) + "@example.com\"}");
    put(6, std::string_view(event) == "$autocapture" ? "button:text=\"Buy\"nth-child=\"1\"" : "");
    put_int(7, ts);
    put_int(8, ts - 5000);
    put_int(9, ts + 1500000 + static_cast<int64_t>(rng.Below(1000000)));
  }
}

void WriteParquet(const fs::path& path, const RecordBatch& batch, const ParquetOptions& options,
                  size_t add_rows) {
  auto enc = MakeParquetEncoder(batch.schema(), std::make_unique<LocalFileSink>(path), options);
  const size_t n = batch.num_rows();
  const size_t step = add_rows == 0 ? std::max<size_t>(n, 1) : add_rows;
  for (size_t b = 0; b < n; b += step) enc->Add(batch, b, std::min(n, b + step));
  enc->Finish();
}

fs::path ScratchDir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("bx_parquet_test_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string NodeModulesProblem() {
  for (const char* pkg : {"@duckdb/node-api", "hyparquet", "hyparquet-compressors"}) {
    if (!fs::exists(kNodeDir / "node_modules" / pkg / "package.json")) {
      return "the Parquet readers are not installed (" +
             (kNodeDir / "node_modules" / pkg).string() +
             " is missing): run `npm ci --prefix tools/node` in " + BX_SOURCE_DIR;
    }
  }
  return "";
}

std::string RunNodeScript(const std::string& script, const std::vector<std::string>& files) {
  if (std::string p = NodeModulesProblem(); !p.empty()) return p;
  const fs::path log = ScratchDir() / (script + ".log");
  std::string cmd = "node " + ShellQuote((kNodeDir / script).string());
  for (const std::string& f : files) cmd += " " + ShellQuote(f);
  cmd += " > " + ShellQuote(log.string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  if (rc == 0) return "";
  std::string status = WIFEXITED(rc) ? "exit status " + std::to_string(WEXITSTATUS(rc))
                                     : "status " + std::to_string(rc);
  return "`" + cmd + "` failed (" + status + "):\n" + ReadAll(log);
}

std::string RunReaders(const std::vector<std::string>& files) {
  if (std::string p = NodeModulesProblem(); !p.empty()) return p;
  auto hyparquet =
      std::async(std::launch::async, RunNodeScript, "parquet_dump_hyparquet.mjs", files);
  std::string problem = RunNodeScript("parquet_dump.mjs", files);
  std::string other = hyparquet.get();
  if (!problem.empty() && !other.empty()) problem += "\n";
  return problem + other;
}

::testing::AssertionResult BothReadersRowsMatch(const std::string& parquet,
                                                const RecordBatch& batch) {
  auto hyparquet = std::async(std::launch::async, RowsMatch, parquet + ".hyparquet.rows.ndjson",
                              std::cref(batch));
  ::testing::AssertionResult duck = RowsMatch(parquet + ".duckdb.rows.ndjson", batch);
  ::testing::AssertionResult hyp = hyparquet.get();
  if (duck && hyp) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << (duck ? "" : duck.message()) << (hyp ? "" : "\n") << (hyp ? "" : hyp.message());
}

::testing::AssertionResult RowsMatch(const std::string& ndjson, const RecordBatch& batch) {
  std::ifstream in(ndjson);
  if (!in) return ::testing::AssertionFailure() << "cannot open " << ndjson;
  const Schema& schema = batch.schema();
  std::string line;
  simdjson::dom::parser parser;
  size_t row = 0, mismatches = 0;
  std::ostringstream first;
  auto mismatch = [&](size_t col, const std::string& got) {
    if (++mismatches <= 5) {
      const Column& c = batch.column(col);
      std::string want =
          c.IsNull(row) ? "null"
          : (c.type() == ColumnType::kString || c.type() == ColumnType::kJson)
              ? json(std::string(c.String(row))).dump()
              : ExpectedText(c, c.type() == ColumnType::kBool ? c.Bool(row) : c.Int(row));
      if (want.size() > 200) want = want.substr(0, 200) + "...";
      first << "\n  row " << row << " column " << schema.fields[col].name << ": want " << want
            << ", got " << (got.size() > 200 ? got.substr(0, 200) + "..." : got);
    }
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (row >= batch.num_rows()) {
      return ::testing::AssertionFailure()
             << ndjson << ": more rows than the " << batch.num_rows() << " written";
    }
    // simdjson's parser (a library, so uninstrumented in the sanitizer builds): a million-row
    // file is two million lines.
    simdjson::dom::element j;
    if (parser.parse(line).get(j) != simdjson::SUCCESS || !j.is_object()) {
      return ::testing::AssertionFailure() << ndjson << ": line " << row + 1 << " is not an object";
    }
    for (size_t col = 0; col < schema.fields.size(); ++col) {
      const Column& c = batch.column(col);
      simdjson::dom::element v;
      if (j[schema.fields[col].name].get(v) != simdjson::SUCCESS) {
        mismatch(col, "(missing)");
        continue;
      }
      std::string_view text;
      bool flag = false;
      bool ok = false;
      if (c.IsNull(row)) {
        ok = v.is_null();
      } else {
        switch (c.type()) {
          case ColumnType::kString:
          case ColumnType::kJson:
            ok = v.get(text) == simdjson::SUCCESS && text == c.String(row);
            break;
          case ColumnType::kInt64:
          case ColumnType::kTimestamp:
            ok = v.get(text) == simdjson::SUCCESS && text == std::to_string(c.Int(row));
            break;
          case ColumnType::kBool:
            ok = v.get(flag) == simdjson::SUCCESS && flag == c.Bool(row);
            break;
        }
      }
      if (!ok) mismatch(col, simdjson::minify(v));
    }
    ++row;
  }
  if (row != batch.num_rows()) {
    return ::testing::AssertionFailure()
           << ndjson << ": " << row << " rows read, " << batch.num_rows() << " written";
  }
  if (mismatches > 0) {
    return ::testing::AssertionFailure()
           << ndjson << ": " << mismatches << " values differ" << first.str();
  }
  return ::testing::AssertionSuccess();
}

std::string ParquetCodecName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "UNCOMPRESSED";
    case Compression::kSnappy:
      return "SNAPPY";
    case Compression::kGzip:
      return "GZIP";
    case Compression::kBrotli:
      return "BROTLI";
    case Compression::kZstd:
      return "ZSTD";
    case Compression::kLz4:
      return "LZ4_RAW";
  }
  return "?";
}

::testing::AssertionResult DuckDbMetadataMatches(const std::string& meta_json,
                                                 const RecordBatch& batch,
                                                 const ParquetOptions& options) {
  const json m = json::parse(ReadAll(meta_json));
  const Schema& schema = batch.schema();
  std::ostringstream err;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) err << "\n  " << what;
  };

  // Types: DESCRIBE and parquet_schema.
  check(m["columns"].size() == schema.fields.size(), "column count");
  check(m["schema"].size() == schema.fields.size() + 1, "schema element count");
  if (!m["schema"].empty()) check(m["schema"][0]["name"] == "schema", "root name");
  for (size_t i = 0; i < schema.fields.size() && i + 1 < m["schema"].size(); ++i) {
    const Field& f = schema.fields[i];
    const json& d = m["columns"][i];
    const json& s = m["schema"][i + 1];
    const std::string at = "column " + f.name + ": ";
    check(d["column_name"] == f.name && s["name"] == f.name, at + "name");
    check(s["repetition_type"] == "OPTIONAL", at + "not OPTIONAL: " + s.dump());
    std::string physical, duck;
    json converted = nullptr, logical = nullptr;
    switch (f.type) {
      case ColumnType::kString:
      case ColumnType::kJson:
        physical = "BYTE_ARRAY", duck = "VARCHAR", converted = "UTF8", logical = "StringType()";
        break;
      case ColumnType::kInt64:
        physical = "INT64", duck = "BIGINT";
        break;
      case ColumnType::kTimestamp:
        physical = "INT64", duck = "TIMESTAMP WITH TIME ZONE", converted = "TIMESTAMP_MICROS";
        logical =
            "TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, "
            "MICROS=MicroSeconds(), NANOS=<null>))";
        break;
      case ColumnType::kBool:
        physical = "BOOLEAN", duck = "BOOLEAN";
        break;
    }
    check(s["type"] == physical, at + "physical type " + s["type"].dump());
    check(d["column_type"] == duck, at + "DuckDB type " + d["column_type"].dump());
    check(s["converted_type"] == converted, at + "converted type " + s["converted_type"].dump());
    check(s["logical_type"] == logical, at + "logical type " + s["logical_type"].dump());
  }

  // File metadata and key/value metadata.
  const json& file = m["file"][0];
  check(file["created_by"] == std::string("batch-export ") + BX_VERSION,
        "created_by " + file["created_by"].dump());
  check(file["num_rows"] == std::to_string(batch.num_rows()),
        "num_rows " + file["num_rows"].dump());
  check(file["column_orders"].size() == schema.fields.size(), "column_orders");
  for (const json& o : file["column_orders"]) {
    check(o == "ColumnOrder(TYPE_ORDER=TypeDefinedOrder())", "column order " + o.dump());
  }
  std::map<std::string, std::string> kv;
  for (const json& e : m["kv"]) kv[e["key"].get<std::string>()] = e["value"].get<std::string>();
  check(kv == options.key_value_metadata, "key/value metadata " + m["kv"].dump());

  // Column chunks: codec, counts and statistics per row group.
  std::map<int, size_t> group_rows;
  for (const json& c : m["metadata"]) {
    group_rows[std::stoi(Str(c["row_group_id"]))] = std::stoull(Str(c["row_group_num_rows"]));
  }
  std::map<int, size_t> group_start;
  size_t total = 0;
  for (const auto& [g, n] : group_rows) {
    group_start[g] = total;
    total += n;
    check(n <= options.row_group_rows, "row group " + std::to_string(g) + " too many rows");
  }
  check(total == batch.num_rows(), "row groups hold " + std::to_string(total) + " rows");
  for (const json& c : m["metadata"]) {
    const int g = std::stoi(Str(c["row_group_id"]));
    const size_t col = std::stoull(Str(c["column_id"]));
    if (col >= schema.fields.size()) {
      check(false, "column id " + std::to_string(col));
      continue;
    }
    const Column& column = batch.column(col);
    const std::string at =
        "row group " + std::to_string(g) + " column " + schema.fields[col].name + ": ";
    check(c["compression"] == ParquetCodecName(options.compression),
          at + "codec " + c["compression"].dump());
    check(c["num_values"] == std::to_string(group_rows[g]), at + "num_values");
    const Expected e = ExpectedStats(column, group_start[g], group_start[g] + group_rows[g]);
    check(c["stats_null_count"] == std::to_string(e.nulls),
          at + "null_count " + c["stats_null_count"].dump() + ", want " + std::to_string(e.nulls));
    if (!e.has) {
      check(c["stats_min_value"].is_null() && c["stats_max_value"].is_null(),
            at + "min/max of an all-null chunk");
      continue;
    }
    if (column.type() == ColumnType::kString || column.type() == ColumnType::kJson) {
      const json& mn = c["stats_min_value"];
      const json& mx = c["stats_max_value"];
      if (e.min_s.size() <= kStatisticsTruncateBytes) {
        check(mn == e.min_s && c["min_is_exact"] == true, at + "min " + mn.dump());
      } else {
        // Truncated: a prefix of the minimum, cut at a character boundary.
        const std::string got = Str(mn);
        check(got.size() <= kStatisticsTruncateBytes &&
                  got.size() + 3 >= kStatisticsTruncateBytes &&
                  e.min_s.compare(0, got.size(), got) == 0 && c["min_is_exact"] == false,
              at + "truncated min " + mn.dump());
      }
      if (e.max_s.size() <= kStatisticsTruncateBytes) {
        check(mx == e.max_s && c["max_is_exact"] == true, at + "max " + mx.dump());
      } else {
        // Truncated: short, and greater than every value.
        const std::string got = Str(mx);
        check(mx.is_string() && got.size() <= kStatisticsTruncateBytes + 3 && got > e.max_s &&
                  c["max_is_exact"] == false,
              at + "truncated max " + mx.dump());
      }
    } else if (column.type() == ColumnType::kTimestamp) {
      check(c["stats_min_us"] == std::to_string(e.min_i), at + "min " + c["stats_min_us"].dump());
      check(c["stats_max_us"] == std::to_string(e.max_i), at + "max " + c["stats_max_us"].dump());
    } else {
      check(c["stats_min_value"] == ExpectedText(column, e.min_i),
            at + "min " + c["stats_min_value"].dump());
      check(c["stats_max_value"] == ExpectedText(column, e.max_i),
            at + "max " + c["stats_max_value"].dump());
    }
  }
  if (!err.str().empty()) return ::testing::AssertionFailure() << meta_json << ":" << err.str();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult HyparquetMetadataMatches(const std::string& meta_json,
                                                    const RecordBatch& batch,
                                                    const ParquetOptions& options) {
  const json m = json::parse(ReadAll(meta_json));
  const Schema& schema = batch.schema();
  std::ostringstream err;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) err << "\n  " << what;
  };
  check(m["num_rows"] == batch.num_rows(), "num_rows " + m["num_rows"].dump());
  check(m["schema"].size() == schema.fields.size() + 1, "schema size");
  for (size_t i = 0; i < schema.fields.size() && i + 1 < m["schema"].size(); ++i) {
    const Field& f = schema.fields[i];
    const json& s = m["schema"][i + 1];
    const std::string at = "column " + f.name + ": ";
    check(s["name"] == f.name && s["repetition_type"] == "OPTIONAL", at + s.dump());
    switch (f.type) {
      case ColumnType::kString:
      case ColumnType::kJson:
        check(s["type"] == "BYTE_ARRAY" && s["logical_type"]["type"] == "STRING", at + s.dump());
        break;
      case ColumnType::kTimestamp:
        check(s["type"] == "INT64" && s["logical_type"]["type"] == "TIMESTAMP" &&
                  s["logical_type"]["isAdjustedToUTC"] == true &&
                  s["logical_type"]["unit"] == "MICROS",
              at + s.dump());
        break;
      case ColumnType::kInt64:
        check(s["type"] == "INT64", at + s.dump());
        break;
      case ColumnType::kBool:
        check(s["type"] == "BOOLEAN", at + s.dump());
        break;
    }
  }
  for (const json& rg : m["row_groups"]) {
    for (const json& c : rg["columns"]) {
      check(c["meta_data"]["codec"] == ParquetCodecName(options.compression),
            "codec " + c["meta_data"]["codec"].dump());
    }
  }
  if (!err.str().empty()) return ::testing::AssertionFailure() << meta_json << ":" << err.str();
  return ::testing::AssertionSuccess();
}

}  // namespace bx::parquet::testing
