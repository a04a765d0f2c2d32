// The persons and sessions models end to end. Persons: a scripted sequence of captures over
// HTTP (POST /batch) spread over hours on the service's clock, hourly persons and events exports
// created through the API and run by the scheduler while the captures go on, and a backfill of
// the same hours to Parquet read back by DuckDB. Sessions: generated events, a backfill through
// the API to Parquet, read back by DuckDB and compared with the source's sessions.

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <set>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "server/api_server.h"
#include "source/embedded/event_store.h"
#include "source/embedded/person_writer.h"
#include "testing/service_test_support.h"

namespace bx {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using service_test::At;
using service_test::kMinute;

constexpr char kToken[] = "persons-e2e-token";
constexpr char kAfterIdentify[] = "0190f6a0-0000-7000-8000-000000000001";
constexpr char kAfterAlias[] = "0190f6a0-0000-7000-8000-000000000002";

class PersonsE2e : public service_test::ServiceTest {
 protected:
  void SetUp() override {
    clock_->Set(At("2024-01-16T00:00:00Z"));
    service_ = Start();
    ApiServerOptions o;
    o.port = 0;
    o.api_token = kToken;
    o.event_store = source_path();
    o.now = [clock = clock_] { return clock->Now(); };
    server_ = std::make_unique<ApiServer>(*service_, o);
    server_->Start();
    http_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    http_->set_bearer_token_auth(kToken);
  }

  void TearDown() override {
    server_->Stop();
    service_.reset();
  }

  json Call(const std::string& method, const std::string& path, const json& body, int status) {
    httplib::Result r = method == "GET"      ? http_->Get(path)
                        : method == "DELETE" ? http_->Delete(path)
                                             : http_->Post(path, body.dump(), "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << method << " " << path << ": " << r->body;
    return r->body.empty() ? json() : json::parse(r->body, nullptr, false);
  }

  // Backfills [start, end) of the export and waits until it completed.
  void Backfill(const std::string& export_id, const char* start, const char* end) {
    json backfill = Call("POST", "/api/batch_exports/" + export_id + "/backfills",
                         {{"start_at", start}, {"end_at", end}}, 201);
    const std::string path =
        "/api/batch_exports/" + export_id + "/backfills/" + backfill.value("id", std::string());
    ASSERT_TRUE(Eventually([&] {
      backfill = Call("GET", path, nullptr, 200);
      return backfill.value("status", "") == "Completed";
    })) << backfill.dump();
  }

  // DuckDB's rows of a Parquet file, one JSON object each.
  static std::vector<json> DuckDbRows(const fs::path& file) {
    const auto dump = e2e::RunShell(
        "node " + e2e::ShellQuote(std::string(BX_SOURCE_DIR) + "/tools/node/parquet_dump.mjs") +
        " " + e2e::ShellQuote(file.string()) + " 2>&1");
    EXPECT_EQ(dump.status, 0) << dump.output;
    std::vector<json> rows;
    for (const std::string& line :
         e2e::Lines(e2e::ReadFile(file.string() + ".duckdb.rows.ndjson"))) {
      rows.push_back(json::parse(line));
    }
    return rows;
  }

  static std::string HourKey(int hour) {
    return fmt::format("2024-01-16T{:02}:00:00+00:00-2024-01-16T{:02}:00:00+00:00", hour, hour + 1);
  }

  std::string CreateExport(const std::string& model, const fs::path& out,
                           const std::string& format) {
    const json e =
        Call("POST", "/api/batch_exports",
             {{"name", model + " " + format},
              {"model", model},
              {"interval", "hour"},
              {"destination",
               {{"type", "File"}, {"config", {{"path", out.string()}, {"file_format", format}}}}}},
             201);
    return e.is_object() ? e.value("id", "") : "";
  }

  // Moves the service's clock to `iso` (the scheduler runs what falls due) and captures `batch`.
  void CaptureAt(const char* iso, const json& batch) {
    AdvanceTo(*service_, At(iso), 10 * kMinute);
    const json reply = Call("POST", "/batch", {{"api_key", "phc_test"}, {"batch", batch}}, 200);
    EXPECT_EQ(reply.value("accepted", 0u), batch.size()) << reply.dump();
  }

  // The JSON lines file of the hour starting at `hour` (none when the hour had no rows).
  static std::vector<json> HourRows(const fs::path& dir, int hour) {
    const fs::path file = dir / (HourKey(hour) + ".jsonl");
    std::vector<json> rows;
    if (!fs::exists(file)) return rows;
    for (const std::string& line : e2e::Lines(e2e::ReadFile(file)))
      rows.push_back(json::parse(line));
    return rows;
  }

  std::unique_ptr<Service> service_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(PersonsE2e, CapturedIdentifyAliasAndSetsExportHourByHour) {
  const fs::path persons_out = out("persons"), events_out = out("events");
  ASSERT_FALSE(CreateExport("persons", persons_out, "JSONLines").empty());
  ASSERT_FALSE(CreateExport("events", events_out, "JSONLines").empty());

  CaptureAt("2024-01-16T00:10:00Z", {{{"event", "$pageview"}, {"distinct_id", "a1"}}});
  CaptureAt("2024-01-16T00:20:00Z", {{{"event", "$pageview"},
                                      {"distinct_id", "a1"},
                                      {"$set_once", {{"first_seen", "h0"}}}}});  // top level
  CaptureAt("2024-01-16T01:10:00Z", {{{"event", "$pageview"}, {"distinct_id", "a2"}}});
  CaptureAt("2024-01-16T01:20:00Z",
            {{{"event", "$identify"},
              {"distinct_id", "user@x"},
              {"properties", {{"$anon_distinct_id", "a1"}, {"$set", {{"email", "user@x"}}}}}},
             {{"event", "$pageview"}, {"distinct_id", "user@x"}, {"uuid", kAfterIdentify}}});
  CaptureAt("2024-01-16T02:10:00Z", {{{"event", "$set"},
                                      {"distinct_id", "user@x"},
                                      {"properties", {{"$set", {{"plan", "pro"}}}}},
                                      {"$unset", {"first_seen"}}}});
  CaptureAt(
      "2024-01-16T02:20:00Z",
      {{{"event", "$create_alias"}, {"distinct_id", "user@x"}, {"properties", {{"alias", "a2"}}}}});
  CaptureAt("2024-01-16T02:30:00Z",
            {{{"event", "$pageview"}, {"distinct_id", "a2"}, {"uuid", kAfterAlias}}});
  CaptureAt("2024-01-16T03:10:00Z", {{{"event", "$identify"},
                                      {"distinct_id", "user@x"},
                                      {"properties", {{"$anon_distinct_id", "a3"}}}}});
  const std::string p1 = PersonIdFor(1, "a1");
  AdvanceTo(*service_, At("2024-01-16T04:10:00Z"), 10 * kMinute);
  // The deletion, and what the API answers around it: another team, a malformed id, a method.
  Call("DELETE", "/api/projects/2/persons/" + p1, nullptr, 404);
  const json bad = Call("DELETE", "/api/projects/1/persons/not-a-uuid", nullptr, 400);
  EXPECT_EQ(bad.value("attr", ""), "person_id") << bad.dump();
  Call("GET", "/api/projects/1/persons/" + p1, nullptr, 405);
  Call("DELETE", "/api/projects/1/persons/" + p1, nullptr, 204);
  Call("DELETE", "/api/environments/1/persons/" + p1, nullptr, 404);  // already deleted
  AdvanceTo(*service_, At("2024-01-16T05:05:00Z"), 10 * kMinute);

  // Per hour: distinct_id -> (person_version, person_distinct_id_version).
  using Versions = std::map<std::string, std::pair<int, int>>;
  const std::vector<Versions> expected = {
      {{"a1", {1, 0}}},
      {{"a1", {2, 0}}, {"a2", {0, 0}}, {"user@x", {2, 0}}},
      {{"a1", {3, 0}}, {"a2", {3, 1}}, {"user@x", {3, 0}}},
      {{"a3", {3, 0}}},
      {{"a1", {4, 0}}, {"a2", {4, 1}}, {"user@x", {4, 0}}, {"a3", {4, 0}}},  // deleted
  };
  // Merged in file order, newer versions winning: the final state of every distinct_id.
  std::map<std::string, json> merged;
  for (int hour = 0; hour < 5; ++hour) {
    Versions got;
    for (const json& row : HourRows(persons_out, hour)) {
      const std::string id = row["distinct_id"];
      got[id] = {row["person_version"].get<int>(), row["person_distinct_id_version"].get<int>()};
      EXPECT_EQ(row["team_id"], 1);
      EXPECT_EQ(row["is_deleted"], hour == 4);
      const auto versions = [](const json& r) {
        return std::pair(r["person_version"].get<int>(),
                         r["person_distinct_id_version"].get<int>());
      };
      const auto newer = [&](const json& a, const json& b) { return versions(a) > versions(b); };
      if (!merged.contains(id) || newer(row, merged[id])) merged[id] = row;
    }
    EXPECT_EQ(got, expected[hour]) << "hour " << hour;
  }
  ASSERT_EQ(merged.size(), 4u);
  for (const auto& [id, row] : merged) {
    EXPECT_EQ(row["person_id"], p1) << id;
    EXPECT_EQ(row["properties"], json({{"email", "user@x"}, {"plan", "pro"}})) << id;
    EXPECT_EQ(row["is_deleted"], true) << id;
  }

  // Events captured after the identify and after the alias carry the merged person.
  std::map<std::string, json> events;
  for (int hour = 0; hour < 4; ++hour) {
    for (const json& row : HourRows(events_out, hour)) events[row["uuid"]] = row;
  }
  ASSERT_TRUE(events.contains(kAfterIdentify) && events.contains(kAfterAlias));
  EXPECT_EQ(events[kAfterIdentify]["person_id"], p1);
  EXPECT_EQ(events[kAfterIdentify]["person_properties"],
            json({{"email", "user@x"}, {"first_seen", "h0"}}));
  EXPECT_EQ(events[kAfterAlias]["person_id"], p1);
  EXPECT_EQ(events[kAfterAlias]["person_properties"], json({{"email", "user@x"}, {"plan", "pro"}}));

  // A backfill of the same hours, made afterwards, to Parquet: the same rows (the state as of
  // each hour's end), read by DuckDB.
  const fs::path parquet_out = out("persons-parquet");
  const std::string parquet_id = CreateExport("persons", parquet_out, "Parquet");
  Backfill(parquet_id, "2024-01-16T00:00:00Z", "2024-01-16T05:00:00Z");
  for (int hour = 0; hour < 5; ++hour) {
    const fs::path file = parquet_out / (HourKey(hour) + ".parquet");
    if (expected[hour].empty()) {
      EXPECT_FALSE(fs::exists(file)) << file;
      continue;
    }
    const auto parquet_rows = DuckDbRows(file);
    const auto jsonl_rows = HourRows(persons_out, hour);
    ASSERT_EQ(parquet_rows.size(), jsonl_rows.size()) << "hour " << hour;
    for (size_t i = 0; i < parquet_rows.size(); ++i) {
      const json& p = parquet_rows[i];
      const json& j = jsonl_rows[i];
      EXPECT_EQ(p["distinct_id"], j["distinct_id"]);
      EXPECT_EQ(p["person_id"], j["person_id"]);
      EXPECT_EQ(json::parse(p["properties"].get<std::string>()), j["properties"]);
      EXPECT_EQ(p["person_version"], std::to_string(j["person_version"].get<int>()));
      EXPECT_EQ(p["person_distinct_id_version"],
                std::to_string(j["person_distinct_id_version"].get<int>()));
      EXPECT_EQ(p["is_deleted"], j["is_deleted"]);
    }
  }
}

// Generated events (sessions of up to 30 minutes, crossing hours) backfilled hour by hour to
// Parquet through the API: each hour's file holds what the source computes for that hour
// (source/embedded's tests hold that against an independent SQL computation).
TEST_F(PersonsE2e, SessionsBackfillToParquetHoldsEachHoursSessions) {
  Generate(6000, At("2024-01-16T00:00:00Z"), At("2024-01-16T03:00:00Z"));
  AdvanceTo(*service_, At("2024-01-16T03:05:00Z"), service_test::kHour);
  const fs::path out_dir = out("sessions");
  const std::string id = CreateExport("sessions", out_dir, "Parquet");
  Backfill(id, "2024-01-16T00:00:00Z", "2024-01-16T03:00:00Z");
  EmbeddedSource source(source_path());
  std::map<std::string, int> hours_of_session;
  for (int hour = 0; hour < 3; ++hour) {
    ExportQuery query;
    query.model = Model::kSessions;
    query.interval = {At("2024-01-16T00:00:00Z") + hour * service_test::kHour,
                      At("2024-01-16T01:00:00Z") + hour * service_test::kHour};
    auto reader = source.Read(query);
    RecordBatch batch(FileSchema(Model::kSessions));
    std::vector<json> want;
    while (reader->Next(batch)) {
      for (size_t r = 0; r < batch.num_rows(); ++r) {
        want.push_back({{"session_id", batch.column(0).String(r)},
                        {"duration", std::to_string(batch.column(5).Int(r))},
                        {"pageview_count", std::to_string(batch.column(6).Int(r))},
                        {"is_bounce", batch.column(16).Bool(r)}});
      }
    }
    const auto got = DuckDbRows(out_dir / (HourKey(hour) + ".parquet"));
    ASSERT_EQ(got.size(), want.size()) << "hour " << hour;
    ASSERT_GT(got.size(), 50u);
    for (size_t i = 0; i < got.size(); ++i) {
      for (const char* key : {"session_id", "duration", "pageview_count", "is_bounce"}) {
        EXPECT_EQ(got[i][key], want[i][key]) << "hour " << hour << ", row " << i << ", " << key;
      }
      ++hours_of_session[got[i]["session_id"].get<std::string>()];
    }
  }
  EXPECT_TRUE(std::any_of(hours_of_session.begin(), hours_of_session.end(), [](const auto& s) {
    return s.second > 1;
  })) << "no session crossed an hour";
}

}  // namespace
}  // namespace bx
