#pragma once
// What the table destinations' tests compare: the events of an interval as the source reads
// them for a table (Layout::kTables), by uuid, with JSON columns as JSON and the timestamp in
// microseconds.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/schemas.h"
#include "io/postgres/pg_connection.h"
#include "source/embedded/event_store.h"

namespace bx::testing {

inline std::map<std::string, nlohmann::json> WarehouseEventsByUuid(const std::filesystem::path& db,
                                                                   const Interval& interval) {
  std::map<std::string, nlohmann::json> rows;
  EmbeddedSource source(db);
  ExportQuery query;
  query.layout = Layout::kTables;
  query.interval = interval;
  auto reader = source.Read(query);
  const Schema& schema = TableSchema(Model::kEvents);
  RecordBatch batch(schema);
  while (reader->Next(batch)) {
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      nlohmann::json row;
      for (const char* name : {"event", "distinct_id", "person_id"}) {
        row[name] = batch.column(schema.IndexOf(name)).String(r);
      }
      for (const char* name : {"properties", "person_properties"}) {
        row[name] = nlohmann::json::parse(batch.column(schema.IndexOf(name)).String(r));
      }
      row["team_id"] = batch.column(schema.IndexOf("team_id")).Int(r);
      row["timestamp"] = batch.column(schema.IndexOf("timestamp")).Int(r);
      rows[std::string(batch.column(schema.IndexOf("uuid")).String(r))] = row;
    }
  }
  return rows;
}

// The same columns of a destination table, selected in this order.
constexpr char kWarehouseEventColumns[] =
    "uuid, event, distinct_id, person_id, properties::text, person_properties::text, team_id, "
    "(extract(epoch FROM timestamp) * 1000000)::bigint";

// Row `i` of a result of "SELECT kWarehouseEventColumns FROM ..." as WarehouseEventsByUuid has
// it (uuid aside).
inline nlohmann::json WarehouseEventRow(const pg::Result& r, int i) {
  return {{"event", r.Text(i, 1)},
          {"distinct_id", r.Text(i, 2)},
          {"person_id", r.Text(i, 3)},
          {"properties", nlohmann::json::parse(r.Text(i, 4))},
          {"person_properties", nlohmann::json::parse(r.Text(i, 5))},
          {"team_id", r.Int(i, 6)},
          {"timestamp", r.Int(i, 7)}};
}

// Every row of `r` (kWarehouseEventColumns) equals the stored event of its uuid, and every
// stored event is there once.
inline void ExpectTableHoldsEvents(const pg::Result& r,
                                   const std::map<std::string, nlohmann::json>& stored) {
  ASSERT_EQ(r.rows(), static_cast<int>(stored.size()));
  size_t differ = 0;
  for (int i = 0; i < r.rows(); ++i) {
    const nlohmann::json row = WarehouseEventRow(r, i);
    const auto it = stored.find(r.Text(i, 0));
    if ((it == stored.end() || it->second != row) && ++differ < 3) {
      ADD_FAILURE() << r.Text(i, 0) << ": " << row.dump() << " vs "
                    << (it == stored.end() ? "nothing" : it->second.dump());
    }
  }
  EXPECT_EQ(differ, 0u);
}

}  // namespace bx::testing
