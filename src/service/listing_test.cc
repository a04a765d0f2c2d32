// The API's lists over a real store: the exports list by team with its count, previous pages of
// every list, an export's logs across its runs, and aws_access_key_id kept write-only.
#include <sqlite3.h>

#include <set>

#include "testing/service_test_support.h"

namespace bx::service_test {
namespace {

ListOptions Limit(size_t limit, std::optional<std::string> cursor = std::nullopt) {
  ListOptions o;
  o.limit = limit;
  o.cursor = std::move(cursor);
  return o;
}

std::vector<std::string> Ids(const Page<ExportRecord>& page) {
  std::vector<std::string> ids;
  for (const ExportRecord& e : page.results) ids.push_back(e.id);
  return ids;
}

TEST_F(ServiceTest, ExportsListByTeamWithCountOffsetAndPreviousPages) {
  auto service = Start();
  std::vector<std::string> team1;  // oldest first
  for (int i = 0; i < 5; ++i) {
    nlohmann::json body = ExportJson("hour", out("t1-" + std::to_string(i)));
    body["team_id"] = 1;
    team1.push_back(service->CreateExport(body).id);
  }
  nlohmann::json other = ExportJson("hour", out("t2"));
  other["team_id"] = 2;
  service->CreateExport(other);
  service->CreateExport(ExportJson("hour", out("none")));

  EXPECT_EQ(service->ListExports(Limit(100)).count, 7u);
  ListOptions o = Limit(2);
  o.team_id = 1;
  Page<ExportRecord> p1 = service->ListExports(o);
  EXPECT_EQ(p1.count, 5u);
  EXPECT_EQ(Ids(p1), (std::vector<std::string>{team1[4], team1[3]}));
  EXPECT_FALSE(p1.previous);
  ASSERT_TRUE(p1.next);
  o.cursor = p1.next;
  Page<ExportRecord> p2 = service->ListExports(o);
  EXPECT_EQ(Ids(p2), (std::vector<std::string>{team1[2], team1[1]}));
  EXPECT_EQ(p2.previous, "");  // the first page: a link without a cursor
  o.cursor = p2.next;
  Page<ExportRecord> p3 = service->ListExports(o);
  EXPECT_EQ(Ids(p3), (std::vector<std::string>{team1[0]}));
  EXPECT_FALSE(p3.next);
  ASSERT_TRUE(p3.previous && !p3.previous->empty());
  o.cursor = p3.previous;
  EXPECT_EQ(Ids(service->ListExports(o)), Ids(p2));

  ListOptions by_offset = Limit(2);
  by_offset.team_id = 1;
  by_offset.offset = 3;
  const Page<ExportRecord> tail = service->ListExports(by_offset);
  EXPECT_EQ(Ids(tail), (std::vector<std::string>{team1[1], team1[0]}));
  EXPECT_TRUE(tail.previous);
  by_offset.offset = SIZE_MAX;  // hostile: no overflow, an empty page
  EXPECT_TRUE(service->ListExports(by_offset).results.empty());
  by_offset.team_id = 3;
  by_offset.offset = 0;
  EXPECT_EQ(service->ListExports(by_offset).count, 0u);
}

TEST_F(ServiceTest, RunAndBackfillPagesLinkToThePreviousPage) {
  auto service = Start();
  nlohmann::json body = ExportJson("hour", out());
  body["paused"] = true;  // the runs stay queued: the lists do not change under the test
  const std::string id = service->CreateExport(body).id;
  for (int day = 1; day <= 3; ++day) {
    const std::string d = "2024-01-0" + std::to_string(day);
    service->CreateBackfill(id, {{"start_at", d + "T00:00:00Z"}, {"end_at", d + "T02:00:00Z"}});
  }
  // Runs: 6, newest first, 4 at a time: the second page's previous is the first page.
  auto r1 = service->ListRuns(id, std::nullopt, Limit(4));
  EXPECT_FALSE(r1.previous);
  auto r2 = service->ListRuns(id, std::nullopt, Limit(4, r1.next));
  ASSERT_EQ(r2.results.size(), 2u);
  ASSERT_TRUE(r2.previous);
  auto first = service->ListRuns(id, std::nullopt, Limit(4, r2.previous));
  ASSERT_EQ(first.results.size(), 4u);
  EXPECT_EQ(first.results[0].id, r1.results[0].id);
  EXPECT_EQ(first.results[3].id, r1.results[3].id);
  EXPECT_FALSE(first.previous);  // it is the first page
  EXPECT_EQ(first.next, r1.next);
  // 2 at a time: page 3's previous cursor gives page 2 again.
  auto a = service->ListRuns(id, std::nullopt, Limit(2));
  auto b = service->ListRuns(id, std::nullopt, Limit(2, a.next));
  auto c = service->ListRuns(id, std::nullopt, Limit(2, b.next));
  ASSERT_TRUE(c.previous);
  auto back = service->ListRuns(id, std::nullopt, Limit(2, c.previous));
  ASSERT_EQ(back.results.size(), 2u);
  EXPECT_EQ(back.results[0].id, b.results[0].id);
  EXPECT_EQ(back.results[1].id, b.results[1].id);

  auto f1 = service->ListBackfills(id, Limit(1));
  auto f2 = service->ListBackfills(id, Limit(1, f1.next));
  auto f3 = service->ListBackfills(id, Limit(1, f2.next));
  ASSERT_TRUE(f3.previous);
  EXPECT_EQ(service->ListBackfills(id, Limit(1, f3.previous)).results[0].id, f2.results[0].id);
  // A cursor nobody handed out is refused, not scanned for.
  for (const char* bad : {"-3", "p", "p-1", "12abc", "p 1", "99999999999999999999"}) {
    EXPECT_THROW(service->ListRuns(id, std::nullopt, Limit(2, bad)), Error) << bad;
  }
}

TEST_F(ServiceTest, ExportLogsAreTheLinesOfAllItsRunsNewestFirst) {
  Generate(300, At("2024-01-01T00:00:00Z"), At("2024-01-01T03:00:00Z"));
  auto service = Start();
  const std::string id = service->CreateExport(ExportJson("hour", out())).id;
  const std::string other = service->CreateExport(ExportJson("hour", out("other"))).id;
  for (const std::string& e : {id, other}) {
    service->CreateBackfill(
        e, {{"start_at", "2024-01-01T00:00:00Z"}, {"end_at", "2024-01-01T03:00:00Z"}});
  }
  ASSERT_TRUE(service->WaitIdle());

  std::multiset<std::string> expected;  // "run: message" of every line of the export's runs
  std::set<std::string> runs;
  for (const RunRecord& r : AllRuns(*service, id)) {
    runs.insert(r.id);
    for (const std::string& m : Logs(*service, id, r.id)) expected.insert(r.id + ": " + m);
  }
  ASSERT_EQ(runs.size(), 3u);
  ASSERT_GE(expected.size(), 6u);  // at least a start and an end per run

  std::multiset<std::string> got;
  Micros last = INT64_MAX;
  ListOptions page = Limit(2);
  size_t pages = 0;
  for (;;) {
    const Page<ExportLogLine> p = service->ExportLogs(id, page);
    ++pages;
    for (const ExportLogLine& l : p.results) {
      EXPECT_TRUE(runs.contains(l.run_id)) << l.run_id;  // never the other export's
      EXPECT_LE(l.line.at, last);
      last = l.line.at;
      got.insert(l.run_id + ": " + l.line.message);
    }
    if (!p.next) break;
    page.cursor = p.next;
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(pages, (expected.size() + 1) / 2);
  // The newest line is the last run's end.
  const auto newest = service->ExportLogs(id, Limit(1)).results.at(0);
  EXPECT_NE(newest.line.message.find("Exported"), std::string::npos) << newest.line.message;
  EXPECT_THROW(service->ExportLogs("no-such-export", Limit(10)), Error);

  // Both ways through the export's logs (newest first) and a run's (oldest first).
  auto e1 = service->ExportLogs(id, Limit(2));
  auto e2 = service->ExportLogs(id, Limit(2, e1.next));
  auto e3 = service->ExportLogs(id, Limit(2, e2.next));
  ASSERT_TRUE(e3.previous);
  auto e2_again = service->ExportLogs(id, Limit(2, e3.previous));
  ASSERT_EQ(e2_again.results.size(), 2u);
  EXPECT_EQ(e2_again.results[0].line.message, e2.results[0].line.message);
  EXPECT_EQ(e2_again.results[1].run_id, e2.results[1].run_id);
  const std::string run = *runs.begin();
  auto l1 = service->RunLogs(id, run, Limit(1));
  auto l2 = service->RunLogs(id, run, Limit(1, l1.next));
  ASSERT_TRUE(l2.previous);
  auto l1_again = service->RunLogs(id, run, Limit(1, l2.previous));
  EXPECT_EQ(l1_again.results.at(0).message, l1.results.at(0).message);
  EXPECT_FALSE(l1_again.previous);
}

// The reference treats the access key id as a secret; so do we: never rendered, sealed at rest,
// and kept by a patch that sends back what the API rendered.
TEST_F(ServiceTest, AwsAccessKeyIdIsWriteOnlyAndSealedAtRest) {
  auto service = Start();
  for (const char* type : {"AwsS3", "S3"}) {
    nlohmann::json body = ExportJson("hour", out());
    body["destination"] = {{"type", type},
                           {"config",
                            {{"bucket_name", "my-bucket"},
                             {"prefix", type},  // one bucket, one place per export
                             {"region", "us-east-1"},
                             {"aws_access_key_id", "AKIAKEYID4TEST"},
                             {"aws_secret_access_key", "TOPSECRET123"}}}};
    const ExportRecord e = service->CreateExport(body);
    const nlohmann::json rendered = ToJson(e);
    EXPECT_EQ(rendered.dump().find("AKIAKEYID4TEST"), std::string::npos) << rendered;
    EXPECT_EQ(rendered["destination"]["config"]["aws_access_key_id"],
              nlohmann::json({{"set", true}}));
    nlohmann::json patch = rendered;
    patch["name"] = "renamed";
    const ExportRecord updated = service->UpdateExport(e.id, patch);
    EXPECT_EQ(updated.config["destination"]["config"]["aws_access_key_id"], "AKIAKEYID4TEST");
    EXPECT_EQ(ToJson(service->GetExport(e.id)).dump().find("AKIAKEYID4TEST"), std::string::npos);
  }
  service->Stop();
  // What the state file keeps: sealed, not the key id.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() / "bx" / "state.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT config FROM exports", -1, &q, nullptr), SQLITE_OK);
  int rows = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    const std::string config = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    EXPECT_EQ(config.find("AKIAKEYID4TEST"), std::string::npos) << config;
    EXPECT_NE(config.find("enc:v1:"), std::string::npos) << config;
    ++rows;
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  EXPECT_EQ(rows, 2);
}

}  // namespace
}  // namespace bx::service_test
