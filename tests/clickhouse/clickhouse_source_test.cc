// The ClickHouse source against a real server (the `clickhouse` fixture, Debian's 18.16): the
// same generated events and persons, loaded into the embedded store and into ClickHouse, export
// to the same bytes; and the ways a run against ClickHouse ends (server gone, bad password,
// cancelled, replaced versions not merged yet), also through `export` and `serve`.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cli/export_command.h"
#include "e2e_support.h"
#include "pipeline/export_run.h"
#include "serve_process.h"
#include "sink/all/destinations.h"
#include "source/clickhouse/clickhouse_source.h"
#include "source/clickhouse/row_binary_rows.h"
#include "source/embedded/event_store.h"
#include "source/embedded/sample_loader.h"
#include "testing/clickhouse_tables.h"
#include "testing/sanitizers.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kDay = "2024-01-15T00:00:00Z";
constexpr const char* kNextDay = "2024-01-16T00:00:00Z";

Micros At(const char* iso) { return ParseIsoTime(iso, "test"); }

// A generated day in an embedded store, copied into a ClickHouse database (built once).
struct Loaded {
  fs::path store;
  std::string url;  // clickhouse:// of the database
  size_t events = 0;
};

Loaded Load(const fs::path& dir, const std::string& database, uint64_t count) {
  Loaded l{dir / (database + ".db"), "", count};
  {
    EventStore store(l.store, EventStore::Mode::kBulkLoad);
    LoadSampleEvents(store, {.count = count, .start = At(kDay), .end = At(kNextDay), .seed = 11});
  }
  l.url = testing::CreateClickHouseDatabase(database);
  ClickHouseClient client(ParseClickHouseUrl(l.url));
  // Every 7th event has no inserted_at: the source takes _timestamp for it.
  testing::CopyStoreToClickHouse(l.store, client, {.null_inserted_at_every = 7});
  return l;
}

json FileExport(const fs::path& out, const char* model, const char* format, const char* interval) {
  json config = {{"path", out.string()}, {"file_format", format}, {"compression", "zstd"}};
  return {{"name", "ch"},
          {"model", model},
          {"interval", interval},
          {"destination", {{"type", "File"}, {"config", config}}}};
}

std::map<std::string, std::string> Contents(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& [path, size] : e2e::ListFiles(root)) out[path] = e2e::ReadFile(root / path);
  return out;
}

// The same files under both, byte for byte (named, not dumped, when they differ).
void ExpectSameFiles(const fs::path& want_root, const fs::path& got_root) {
  const auto want = Contents(want_root);
  const auto got = Contents(got_root);
  EXPECT_FALSE(want.empty()) << want_root;
  for (const auto& [path, bytes] : want) {
    const auto it = got.find(path);
    if (it == got.end()) {
      ADD_FAILURE() << path << " is missing from " << got_root;
    } else {
      EXPECT_TRUE(it->second == bytes) << path << " differs";
    }
  }
  for (const auto& [path, bytes] : got) {
    EXPECT_TRUE(want.count(path)) << path << " is only in " << got_root;
  }
}

class ClickHouseSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new bx::testing::TempDir();
    day_ = new Loaded(Load(dir_->path(), "bx_day", 20'000));
  }
  static void TearDownTestSuite() {
    delete day_;
    delete dir_;
  }

  static bx::testing::TempDir* dir_;
  static Loaded* day_;
};
bx::testing::TempDir* ClickHouseSourceTest::dir_ = nullptr;
Loaded* ClickHouseSourceTest::day_ = nullptr;

TEST_F(ClickHouseSourceTest, ExportsTheSameBytesAsTheEmbeddedStoreForEveryModel) {
  EmbeddedSource embedded(day_->store);
  // Pieces of 2,000 rows: a day's events (20,000) are read in 16 queries, an hour's in one.
  ClickHouseSource clickhouse(ParseClickHouseUrl(day_->url + "?rows_per_query=2000"));
  // Under the sanitizers, where the code paths count and not the combinations: one format per
  // interval.
  using FormatInterval = std::pair<const char*, const char*>;
  std::vector<FormatInterval> formats_intervals = {{"JSONLines", "hour"}, {"Parquet", "day"}};
  if (!testing::kSanitized) {
    formats_intervals.insert(formats_intervals.end(), {{"JSONLines", "day"}, {"Parquet", "hour"}});
  }
  for (const char* model : {"events", "persons", "sessions"}) {
    for (const auto& [format, interval] : formats_intervals) {
      SCOPED_TRACE(fmt::format("{} {} {}", model, format, interval));
      const fs::path out = dir_->path() / fmt::format("same-{}-{}-{}", model, format, interval);
      const ExportSummary a =
          ExportRange(ParseValidExport(FileExport(out / "embedded", model, format, interval)),
                      embedded, At(kDay), At(kNextDay), 2);
      const ExportSummary b =
          ExportRange(ParseValidExport(FileExport(out / "clickhouse", model, format, interval)),
                      clickhouse, At(kDay), At(kNextDay), 2);
      EXPECT_EQ(a.failed, 0u);
      EXPECT_EQ(b.failed, 0u);
      EXPECT_EQ(a.rows, b.rows);
      EXPECT_GT(a.rows, 0u);
      if (std::string(model) == "events") EXPECT_EQ(a.rows, day_->events);
      ExpectSameFiles(out / "embedded", out / "clickhouse");
    }
  }
}

TEST_F(ClickHouseSourceTest, TheTableLayoutHasTheEmbeddedStoresValues) {
  EmbeddedSource embedded(day_->store);
  ClickHouseSource clickhouse(ParseClickHouseUrl(day_->url));
  ExportQuery q;
  q.layout = Layout::kTables;
  q.interval = {At("2024-01-15T10:00:00Z"), At("2024-01-15T12:00:00Z")};
  auto dump = [&](Source& source) {
    std::vector<std::string> rows;
    auto reader = source.Read(q);
    RecordBatch batch(TableSchema(Model::kEvents));
    while (reader->Next(batch)) {
      for (size_t r = 0; r < batch.num_rows(); ++r) {
        std::string row;
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          const Column& col = batch.column(c);
          row += col.IsNull(r)     ? "NULL"
                 : col.is_binary() ? std::string(col.String(r))
                                   : std::to_string(col.Int(r));
          row += '|';
        }
        rows.push_back(row);
      }
    }
    return rows;
  };
  const auto want = dump(embedded);
  EXPECT_GT(want.size(), 100u);
  EXPECT_EQ(dump(clickhouse), want);
}

TEST_F(ClickHouseSourceTest, ReplacedVersionsNotYetMergedExportOnceAtTheLatest) {
  const std::string url = testing::CreateClickHouseDatabase("bx_versions");
  ClickHouseClient client(ParseClickHouseUrl(url));
  const std::string person = "0190f6a0-0000-5000-8000-00000000000a";
  // Version 1 twice (a re-delivered insert), then version 2, each its own insert (its own
  // part: nothing merged); the mapping likewise.
  for (const auto& [version, props] : std::vector<std::pair<int, std::string>>{
           {1, R"({"plan":"free"})"}, {1, R"({"plan":"free"})"}, {2, R"({"plan":"pro"})"}}) {
    std::string row = person + "\t1\t";
    testing::AppendTsv(props, row);
    row += '\t';
    testing::AppendTsvTime(At("2024-01-15T09:00:00Z"), row);
    row += fmt::format("\t{}\t0\t", version);
    testing::AppendTsvTime(At("2024-01-15T10:00:00Z") + version * 1000, row);
    testing::InsertTsv(client, "INSERT INTO person", row + "\n");
    std::string mapping = "1\tuser@example.com\t" + person + "\t0\t0\t";
    testing::AppendTsvTime(At("2024-01-15T10:00:00Z"), mapping);
    testing::InsertTsv(client, "INSERT INTO person_distinct_id2", mapping + "\n");
  }
  ASSERT_EQ(client.Execute("SELECT count() FROM person FORMAT TSV"), "3\n");
  ClickHouseSource source(ParseClickHouseUrl(url));
  ExportQuery q;
  q.model = Model::kPersons;
  q.interval = {At("2024-01-15T10:00:00Z"), At("2024-01-15T11:00:00Z")};
  auto reader = source.Read(q);
  RecordBatch batch(FileSchema(Model::kPersons));
  ASSERT_TRUE(reader->Next(batch));
  ASSERT_EQ(batch.num_rows(), 1u);
  EXPECT_EQ(batch.column(1).String(0), "user@example.com");
  EXPECT_EQ(batch.column(2).String(0), person);
  EXPECT_EQ(batch.column(3).String(0), R"({"plan":"pro"})");
  EXPECT_EQ(batch.column(5).Int(0), 2);  // person_version
  EXPECT_EQ(batch.column(6).Int(0), At("2024-01-15T09:00:00Z"));
  EXPECT_EQ(batch.column(7).Int(0), At("2024-01-15T10:00:00Z"));  // the mapping's, earlier
  EXPECT_FALSE(reader->Next(batch));
}

TEST_F(ClickHouseSourceTest, ABadPasswordIsNotRetryableAndNeverShown) {
  const std::string http = testing::ClickHouseHttpUrl();
  const std::string host = http.substr(http.find("://") + 3);
  ClickHouseSource source(
      ParseClickHouseUrl("clickhouse://bx_password_user:not-the-password-42@" + host + "/default"));
  ExportQuery q;
  q.interval = {At(kDay), At(kNextDay)};
  try {
    source.Read(q)->Next(*std::make_unique<RecordBatch>(FileSchema(Model::kEvents)));
    ADD_FAILURE() << "a wrong password was accepted";
  } catch (const Error& e) {
    EXPECT_FALSE(e.retryable()) << e.Describe();
    EXPECT_EQ(e.type(), "ClickHouseAuthenticationFailed");
    EXPECT_NE(e.message().find("password"), std::string::npos) << e.Describe();
    EXPECT_EQ(e.Describe().find("not-the-password-42"), std::string::npos) << e.Describe();
  }
  // The right password reads; a database without the tables is a clear, final error.
  ClickHouseSource right(
      ParseClickHouseUrl("clickhouse://bx_password_user:bx-secret@" + host + "/default"));
  try {
    right.Read(q)->Next(*std::make_unique<RecordBatch>(FileSchema(Model::kEvents)));
    ADD_FAILURE() << "no events table, yet no error";
  } catch (const Error& e) {
    EXPECT_FALSE(e.retryable()) << e.Describe();
    EXPECT_NE(e.message().find("events"), std::string::npos) << e.Describe();
    EXPECT_EQ(e.Describe().find("bx-secret"), std::string::npos) << e.Describe();
  }
}

// What RowBinaryRows makes of responses a server should not send, from the real server.
TEST_F(ClickHouseSourceTest, ServerErrorsAfterTheFirstRowsAndBrokenRowsAreNamed) {
  ClickHouseClient client(ParseClickHouseUrl(day_->url));
  // An error after 200,000 rows arrives as text after them in a 200 response.
  RowBinaryRows failing(client,
                        {"SELECT toUInt8(190), number, throwIf(number = 200000) FROM "
                         "system.numbers LIMIT 300000 FORMAT RowBinary"},
                        {Wire::kInt64, Wire::kUInt8}, nullptr);
  size_t rows = 0;
  try {
    while (failing.Next()) ASSERT_EQ(failing[0].number, static_cast<int64_t>(rows++));
    ADD_FAILURE() << "the server's error went unnoticed after " << rows << " rows";
  } catch (const Error& e) {
    EXPECT_FALSE(e.retryable()) << e.Describe();
    EXPECT_NE(e.message().find("Code: 395"), std::string::npos) << e.Describe();
  }
  EXPECT_GT(rows, 0u);
  EXPECT_LE(rows, 200'000u);
  // A length that claims 2^34 bytes, then more and more bytes: an error, not endless buffering.
  RowBinaryRows endless(client,
                        {"SELECT toUInt8(190), toFixedString(unhex('8080808040'), 5) UNION ALL "
                         "SELECT toUInt8(190), toFixedString('aaaaa', 5) FROM numbers(10000000) "
                         "FORMAT RowBinary"},
                        {Wire::kString}, nullptr, 1 << 20);
  try {
    while (endless.Next()) {
    }
    ADD_FAILURE() << "a row without end was taken";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "ClickHouseRowTooLarge") << e.Describe();
  }
  // A response that ends inside a row: retryable (the server went away mid-row).
  RowBinaryRows cut(client, {"SELECT toUInt8(190), toFixedString('abc', 3) FORMAT RowBinary"},
                    {Wire::kInt64}, nullptr);
  try {
    cut.Next();
    ADD_FAILURE() << "half a row was taken";
  } catch (const Error& e) {
    EXPECT_TRUE(e.retryable()) << e.Describe();
    EXPECT_NE(e.message().find("inside a row"), std::string::npos) << e.Describe();
  }
}

// The server's queries of ours (ids "bx-...") still running.
int RunningQueries(ClickHouseClient& client) {
  return std::stoi(client.Execute(
      "SELECT count() FROM system.processes WHERE query_id LIKE 'bx-%' AND query NOT LIKE "
      "'%system.processes%' FORMAT TSV"));
}

TEST_F(ClickHouseSourceTest, AReaderStoppedEarlyLeavesNoQueryRunning) {
  ClickHouseSource source(ParseClickHouseUrl(day_->url + "?settings.max_block_size=64"));
  for (Model model : {Model::kEvents, Model::kSessions}) {
    ExportQuery q;
    q.model = model;
    q.interval = {At(kDay), At(kNextDay)};
    q.batch_rows = 10;
    auto reader = source.Read(q);
    RecordBatch batch(FileSchema(model));
    ASSERT_TRUE(reader->Next(batch));
    // The rest of the day is far more than the reader buffers: the server is still sending.
    EXPECT_GE(RunningQueries(source.client()), 1);
    reader.reset();  // what a cancelled run does with its reader
    EXPECT_EQ(RunningQueries(source.client()), 0);
  }
}

// Reads the first batch, then lets `between` run (which stops the server), then reads on.
class InterruptedSource : public Source {
 public:
  InterruptedSource(Source& inner, std::function<void()> between)
      : inner_(inner), between_(std::move(between)) {}
  std::unique_ptr<BatchReader> Read(const ExportQuery& query) override {
    struct Reader : BatchReader {
      std::unique_ptr<BatchReader> inner;
      std::function<void()> between;
      bool first = true;
      bool Next(RecordBatch& batch) override {
        const bool more = inner->Next(batch);
        if (first) between();
        first = false;
        return more;
      }
    };
    auto r = std::make_unique<Reader>();
    r->inner = inner_.Read(query);
    r->between = between_;
    return r;
  }

 private:
  Source& inner_;
  std::function<void()> between_;
};

TEST_F(ClickHouseSourceTest, ACancelledRunStopsWaitingAndLeavesNoQueryRunning) {
  // The run is cancelled while its reader waits for the server: the reader gives up at once.
  ClickHouseSource source(ParseClickHouseUrl(day_->url));
  std::atomic<bool> cancel{false};
  ExportQuery q;
  q.model = Model::kSessions;
  q.interval = {At(kDay), At(kNextDay)};
  q.batch_rows = 10;
  q.cancel = &cancel;
  auto reader = source.Read(q);
  RecordBatch batch(FileSchema(Model::kSessions));
  ASSERT_TRUE(reader->Next(batch));
  cancel = true;
  try {
    reader->Next(batch);
    ADD_FAILURE() << "a cancelled run read on";
  } catch (const Error& e) {
    EXPECT_EQ(e.Describe(), CancelledError().Describe());
  }
  reader.reset();
  EXPECT_EQ(RunningQueries(source.client()), 0);

  // Through the run loop: cancelled after its first batch, nothing in sight, no query left.
  const fs::path out = dir_->path() / "cancelled";
  const ExportDefinition def = ParseValidExport(FileExport(out, "events", "JSONLines", "day"));
  auto destination = MakeDestination(def);
  std::atomic<bool> run_cancel{false};
  InterruptedSource interrupted(source, [&] { run_cancel = true; });
  EXPECT_THROW(
      ExportInterval(def, {At(kDay), At(kNextDay)}, interrupted, *destination, &run_cancel), Error);
  EXPECT_TRUE(e2e::ListFiles(out).empty());
  EXPECT_EQ(RunningQueries(source.client()), 0);
}

void RunScript(const std::string& command) {
  const auto r = e2e::RunShell(command);
  ASSERT_EQ(r.status, 0) << command << ": " << r.output;
}

TEST_F(ClickHouseSourceTest, AServerStoppedMidRunFailsRetryableAndTheRetryExportsOnce) {
  // Far more than the reader buffers (2 MiB): the server is still sending when it dies.
  const Loaded big = Load(dir_->path(), "bx_big", testing::kSanitized ? 15'000 : 60'000);
  const fs::path out = dir_->path() / "stopped";
  const ExportDefinition def = ParseValidExport(FileExport(out, "events", "JSONLines", "day"));
  ClickHouseSource clickhouse(ParseClickHouseUrl(big.url));
  const std::string ch_dir = std::getenv("BX_CH_DIR");
  const std::string port =
      testing::ClickHouseHttpUrl().substr(testing::ClickHouseHttpUrl().rfind(':') + 1);
  InterruptedSource interrupted(clickhouse,
                                [&] { RunScript("kill -9 $(cat " + ch_dir + "/pid)"); });
  auto destination = MakeDestination(def);
  try {
    ExportInterval(def, {At(kDay), At(kNextDay)}, interrupted, *destination);
    ADD_FAILURE() << "the run went on without its server";
  } catch (const Error& e) {
    EXPECT_TRUE(e.retryable()) << e.Describe();
  }
  EXPECT_TRUE(e2e::ListFiles(out).empty()) << "a failed run left files in sight";

  RunScript(std::string(BX_SOURCE_DIR) + "/scripts/start-clickhouse " + ch_dir + " " + port);
  ExportInterval(def, {At(kDay), At(kNextDay)}, clickhouse, *destination);
  const auto files = e2e::ListFiles(out);
  ASSERT_EQ(files.size(), 1u);
  const std::string text = e2e::Decompress(out / files.begin()->first);
  std::multiset<std::string> uuids;
  for (const std::string& line : e2e::Lines(text)) uuids.insert(e2e::JsonStringField(line, "uuid"));
  EXPECT_EQ(uuids, e2e::StoreUuids(big.store));
}

TEST_F(ClickHouseSourceTest, TheExportCommandAndTheServiceReadAClickHouseUrl) {
  const fs::path out = dir_->path() / "cli";
  const fs::path config = dir_->path() / "cli.json";
  e2e::WriteFile(config, FileExport(out / "export", "sessions", "JSONLines", "day").dump());
  const auto r = e2e::RunBinary({"export", "--source", day_->url, "--config", config.string(),
                                 "--start", kDay, "--end", kNextDay});
  ASSERT_EQ(r.status, 0) << r.output;

  // The same export through `serve --source clickhouse://...`, by a backfill over the API.
  const std::string secret_url = [&] {
    const std::string http = testing::ClickHouseHttpUrl();
    return "clickhouse://bx_password_user:bx-secret@" + http.substr(http.find("://") + 3) +
           "/bx_day";
  }();
  const fs::path data = dir_->path() / "serve-data";
  e2e::ServeProcess server(dir_->path(),
                           {"--data-dir", data.string(), "--source", secret_url, "--workers", "2"});
  ASSERT_TRUE(server.started()) << server.Stderr();
  e2e::WriteFile(config, FileExport(out / "serve", "sessions", "JSONLines", "day").dump());
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--url", server.url(), "--data-dir", data.string()});
    return e2e::RunBinary(args);
  };
  const auto created = cli({"exports", "create", "--file", config.string(), "--json"});
  ASSERT_EQ(created.status, 0) << created.output;
  const std::string id = json::parse(created.output)["id"];
  const auto backfill = cli({"backfills", "create", id, "--start", "2024-01-15", "--end",
                             "2024-01-16", "--wait", "--poll", "0.2"});
  EXPECT_EQ(backfill.status, 0) << backfill.output;
  EXPECT_EQ(server.Terminate(), 0);
  EXPECT_EQ(server.Stdout().find("bx-secret"), std::string::npos) << server.Stdout();
  EXPECT_EQ(server.Stderr().find("bx-secret"), std::string::npos) << server.Stderr();
  ExpectSameFiles(out / "export", out / "serve");
}

}  // namespace
}  // namespace bx
