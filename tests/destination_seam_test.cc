// A destination added without touching core/, pipeline/ or service/: the test-only "Memory"
// destination (src/testing/memory_destination.*) is registered from here and driven end to end
// by the `export` command's engine and by a service run.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/export_command.h"
#include "e2e_support.h"
#include "sink/all/destinations.h"
#include "source/embedded/event_store.h"
#include "testing/memory_destination.h"
#include "testing/service_test_support.h"

namespace bx {
namespace {

using service_test::At;

nlohmann::json MemoryExport(const std::string& name,
                            nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json config = {{"name", name}};
  config.update(extra);
  return {{"name", "to memory"},
          {"interval", "hour"},
          {"destination", {{"type", "Memory"}, {"config", config}}}};
}

class DestinationSeam : public service_test::ServiceTest {
 protected:
  void SetUp() override { testing::RegisterMemoryDestination(Destinations()); }
};

TEST_F(DestinationSeam, TheExportCommandDeliversEveryIntervalsRowsToANewDestination) {
  Generate(3000, At("2024-01-15T00:00:00Z"), At("2024-01-16T00:00:00Z"));
  EmbeddedSource source(source_path());
  const ExportDefinition def = ParseValidExport(MemoryExport("cli"));
  const ExportSummary summary =
      ExportRange(def, source, At("2024-01-15T00:00:00Z"), At("2024-01-16T00:00:00Z"), 2);
  EXPECT_EQ(summary.runs, 24u);
  EXPECT_EQ(summary.failed, 0u);

  // The same rows, interval by interval, as the File destination gets through the same engine.
  nlohmann::json files = ExportJson("hour", out("files"));
  files["destination"]["config"]["compression"] = nullptr;
  files["destination"]["config"]["prefix"] = "p";
  const ExportDefinition file_def = ParseValidExport(files);
  ExportRange(file_def, source, At("2024-01-15T00:00:00Z"), At("2024-01-16T00:00:00Z"), 1);
  const auto delivered = testing::MemoryDeliveries::Get().Of("cli");
  ASSERT_EQ(delivered.size(), 24u);
  uint64_t rows = 0;
  for (const auto& [start, lines] : delivered) {
    const Interval interval{start, start + service_test::kHour};
    const std::string key =
        "p/" + FormatIso(interval.start) + "-" + FormatIso(interval.end) + ".jsonl";
    const std::string text = e2e::ReadFile(out("files") / key);
    EXPECT_EQ(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')), lines.size()) << key;
    rows += lines.size();
  }
  EXPECT_EQ(rows, summary.rows);
  EXPECT_EQ(rows, 3000u);
}

TEST_F(DestinationSeam, AServiceRunDeliversToANewDestinationThatDeclaresItsSecrets) {
  Generate(500, At("2024-01-15T10:00:00Z"), At("2024-01-15T11:00:00Z"));
  auto service = Start();
  const ExportRecord created =
      service->CreateExport(MemoryExport("service", {{"memory_password", "hunter2"}}));
  EXPECT_EQ(ToJson(created)["destination"]["config"]["memory_password"],
            (nlohmann::json{{"set", true}}));
  EXPECT_EQ(ToJson(created).dump().find("hunter2"), std::string::npos);

  clock_->Set(At("2024-01-15T11:01:00Z"));
  ASSERT_TRUE(service->WaitIdle());
  const auto runs = AllRuns(*service, created.id);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, RunStatus::kCompleted) << runs[0].latest_error;
  EXPECT_EQ(runs[0].records_completed, 500u);
  const auto delivered = testing::MemoryDeliveries::Get().Of("service");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered.begin()->first, At("2024-01-15T10:00:00Z"));
  EXPECT_EQ(delivered.begin()->second.size(), 500u);
  const auto logs = Logs(*service, created.id, runs[0].id);
  EXPECT_TRUE(std::any_of(logs.begin(), logs.end(), [](const std::string& l) {
    return l.find("Exported 500 rows") != std::string::npos &&
           l.find("to memory:service") != std::string::npos;
  })) << ::testing::PrintToString(logs);

  // Its config is validated by the destination itself, naming the field.
  try {
    service->CreateExport(MemoryExport("x", {{"colour", "blue"}}));
    ADD_FAILURE() << "an unknown field was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.message().rfind("destination.config.colour:", 0), 0u) << e.message();
  }
}

}  // namespace
}  // namespace bx
