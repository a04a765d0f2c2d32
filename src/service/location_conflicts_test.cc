// Two exports writing the same place deleted and replaced each other's files (a team-2 export
// replaced the all-teams file of the same hour; a JSON lines export removed a Parquet file).
#include "testing/service_test_support.h"

namespace bx::service_test {
namespace {

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.Describe();
  }
  return "";
}

TEST_F(ServiceTest, ASecondExportWritingTheSamePlaceIsAConflictNamingTheFirst) {
  auto service = Start();
  nlohmann::json first = ExportJson("hour", out());
  first["name"] = "all teams";
  const std::string first_id = service->CreateExport(first).id;
  const std::string expected =
      "Conflict: destination: export 'all teams' (" + first_id + ") already writes to ";

  // The same path and prefix for one team; as Parquet; as a daily export; through another
  // spelling of the path; a prefix whose renderings include the first one's.
  nlohmann::json team = ExportJson("hour", out());
  team["team_id"] = 2;
  nlohmann::json parquet = ExportJson("hour", out());
  parquet["destination"]["config"]["file_format"] = "Parquet";
  parquet["destination"]["config"]["compression"] = "zstd";
  nlohmann::json daily = ExportJson("day", out());
  nlohmann::json spelled = ExportJson("hour", out());
  spelled["destination"]["config"]["path"] = (out() / ".." / "out" / ".").string();
  nlohmann::json broader = ExportJson("hour", out());
  broader["destination"]["config"]["prefix"] = "events/{table}";
  for (const nlohmann::json& second : {team, parquet, daily, spelled, broader}) {
    const std::string error = ErrorOf([&] { service->CreateExport(second); });
    EXPECT_EQ(error.rfind(expected, 0), 0u) << second.dump() << "\n" << error;
  }
  EXPECT_EQ(service->ListExports({}).results.size(), 1u);

  // Another prefix or another directory is accepted.
  nlohmann::json other_prefix = parquet;
  other_prefix["destination"]["config"]["prefix"] = "parquet/{year}/{month}/{day}";
  const std::string other_id = service->CreateExport(other_prefix).id;
  nlohmann::json other_path = team;
  other_path["destination"]["config"]["path"] = out("team-2").string();
  EXPECT_NO_THROW(service->CreateExport(other_path));

  // Moving an export onto another's place is refused the same way; other changes are not.
  const std::string moved = ErrorOf([&] {
    service->UpdateExport(other_id, {{"destination", ExportJson("hour", out())["destination"]}});
  });
  EXPECT_EQ(moved.rfind(expected, 0), 0u) << moved;
  EXPECT_NO_THROW(service->UpdateExport(other_id, {{"name", "renamed"}}));
  EXPECT_NO_THROW(service->UpdateExport(first_id, {{"name", "still all teams"}}));

  // Once the first export is deleted, its place is free.
  service->DeleteExport(first_id);
  EXPECT_NO_THROW(service->CreateExport(team));
}

}  // namespace
}  // namespace bx::service_test
