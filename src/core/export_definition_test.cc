#include "core/export_definition.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace bx {
namespace {

nlohmann::json Valid() {
  return nlohmann::json::parse(R"({
    "name": "hourly", "model": "events", "interval": "hour",
    "destination": {"type": "File", "config": {
      "path": "/tmp/out", "prefix": "p/{year}", "file_format": "JSONLines",
      "compression": "gzip", "max_file_size_mb": 1, "exclude_events": ["$feature_flag_called"]}}})");
}

TEST(ExportDefinition, ParsesAValidDefinition) {
  const ExportDefinition def = ParseExportDefinition(Valid());
  EXPECT_EQ(def.name, "hourly");
  EXPECT_EQ(def.interval, IntervalKind::kHour);
  const auto& file = std::get<FileDestinationConfig>(def.destination);
  EXPECT_EQ(file.path, "/tmp/out");
  EXPECT_EQ(file.output.keys.compression, Compression::kGzip);
  EXPECT_TRUE(file.output.keys.numbered);
  EXPECT_EQ(file.output.max_file_size_bytes, 1u << 20);
  EXPECT_EQ(def.exclude_events, std::vector<std::string>{"$feature_flag_called"});
}

TEST(ExportDefinition, ZeroOrNullMaxFileSizeMeansNoSplitting) {
  for (const nlohmann::json& v : {nlohmann::json(0), nlohmann::json(nullptr)}) {
    auto j = Valid();
    j["destination"]["config"]["max_file_size_mb"] = v;
    const auto def = ParseExportDefinition(j);
    EXPECT_FALSE(def.file_output()->keys.numbered);
    EXPECT_FALSE(def.file_output()->max_file_size_bytes);
  }
}

struct Mistake {
  std::string pointer;   // JSON pointer to change
  nlohmann::json value;  // null with remove=true removes the field
  bool remove;
  std::string field;  // must appear in the message
};

TEST(ExportDefinition, EveryMistakeNamesItsField) {
  const std::vector<Mistake> mistakes = {
      {"/name", nullptr, true, "name"},
      {"/name", 5, false, "name"},
      {"/interval", "fortnight", false, "interval"},
      {"/interval", nullptr, true, "interval"},
      {"/model", "sessionz", false, "model"},
      {"/timezone", "Mars/Olympus", false, "timezone"},
      {"/interval_offset", 3600, false, "interval_offset"},
      {"/team_id", "one", false, "team_id"},
      {"/start_at", "yesterday", false, "start_at"},
      {"/colour", "blue", false, "colour"},
      {"/destination", nullptr, true, "destination"},
      {"/destination/type", "Dropbox", false, "destination.type"},
      {"/destination/config", nullptr, true, "destination.config"},
      {"/destination/config/path", nullptr, true, "destination.config.path"},
      {"/destination/config/path", "", false, "destination.config.path"},
      {"/destination/config/file_format", "CSV", false, "destination.config.file_format"},
      {"/destination/config/compression", "snappy", false, "destination.config.compression"},
      {"/destination/config/compression", "rar", false, "destination.config.compression"},
      {"/destination/config/max_file_size_mb", -1, false, "destination.config.max_file_size_mb"},
      {"/destination/config/max_file_size_mb", "1", false, "destination.config.max_file_size_mb"},
      {"/destination/config/prefix", "../up", false, "destination.config.prefix"},
      {"/destination/config/include_events", "pageview", false,
       "destination.config.include_events"},
      {"/destination/config/exclude_events", nlohmann::json::array({1}), false,
       "destination.config.exclude_events[0]"},
      {"/destination/config/bucket_name", "b", false, "destination.config.bucket_name"},
      {"/destination/extra", 1, false, "destination.extra"},
  };
  for (const Mistake& m : mistakes) {
    nlohmann::json j = Valid();
    const nlohmann::json::json_pointer ptr(m.pointer);
    if (m.remove) {
      j[ptr.parent_pointer()].erase(ptr.back());
    } else {
      j[ptr] = m.value;
    }
    try {
      ParseExportDefinition(j);
      ADD_FAILURE() << "accepted " << m.pointer << " = " << m.value;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
      EXPECT_EQ(e.message().rfind(m.field + ":", 0), 0u) << m.pointer << " gave: " << e.message();
    }
  }
}

TEST(ExportDefinition, DayOffsetAndTimezoneAccepted) {
  auto j = Valid();
  j["interval"] = "day";
  j["timezone"] = "Europe/Berlin";
  j["interval_offset"] = 3600;
  const auto def = ParseExportDefinition(j);
  EXPECT_EQ(def.schedule().kind(), IntervalKind::kDay);
}

}  // namespace
}  // namespace bx
