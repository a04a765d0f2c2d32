#include "source/clickhouse/clickhouse_queries.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "base/error.h"

namespace bx {
namespace {

// A time column as Int64 microseconds. `subsecond`: the column keeps fractions (DateTime64 in
// the reference's schema); `_timestamp` does not.
std::string MicrosOf(ClickHouseDialect dialect, std::string_view column, bool subsecond = true) {
  if (dialect == ClickHouseDialect::kSplitMicros) {
    return fmt::format("(toInt64(toUInt32({0})) * 1000000 + {0}_us)", column);
  }
  if (subsecond) return fmt::format("toUnixTimestamp64Micro({})", column);
  return fmt::format("(toInt64(toUnixTimestamp({})) * 1000000)", column);
}

// The events' ingestion time: inserted_at, or _timestamp where it is NULL.
std::string InsertedAt(ClickHouseDialect dialect) {
  return fmt::format("coalesce({}, {})", MicrosOf(dialect, "inserted_at"),
                     MicrosOf(dialect, "_timestamp", false));
}

// A top-level string property. The old servers have only visitParamExtractString, which takes
// the first "$key": anywhere in the text, nested ones included.
std::string JsonString(ClickHouseDialect dialect, std::string_view key) {
  return fmt::format(
      "{}(properties, {})",
      dialect == ClickHouseDialect::kSplitMicros ? "visitParamExtractString" : "JSONExtractString",
      ClickHouseLiteral(key));
}

std::string List(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ", ";
    out += ClickHouseLiteral(v);
  }
  return out;
}

std::string TeamFilter(const ExportQuery& query) {
  return query.team_id ? fmt::format(" AND team_id = {}", *query.team_id) : "";
}

std::string Window(const std::string& at, const ExportQuery& query) {
  return fmt::format("{0} >= {1} AND {0} < {2}", at, query.interval.start, query.interval.end);
}

std::string EventFilters(const ExportQuery& query) {
  std::string filters = TeamFilter(query);
  if (!query.include_events.empty())
    filters += " AND event IN (" + List(query.include_events) + ")";
  if (!query.exclude_events.empty()) {
    filters += " AND event NOT IN (" + List(query.exclude_events) + ")";
  }
  return filters;
}

}  // namespace

ClickHouseDialect DialectForVersion(std::string_view version) {
  int major = 0;
  const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), major);
  if (ec != std::errc() || end == version.data() ||
      (end != version.data() + version.size() && *end != '.')) {
    throw InvalidArgument("--source", "the ClickHouse server's version '" +
                                          std::string(version.substr(0, 64)) +
                                          "' is not a version number");
  }
  // DateTime64 and toUnixTimestamp64Micro are there from 20.5 on; no supported server between
  // 18.16 and 21 is tested, so 21 is the line.
  return major >= 21 ? ClickHouseDialect::kDateTime64 : ClickHouseDialect::kSplitMicros;
}

std::string ClickHouseLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    if (c == '\0') {
      out += "\\0";
      continue;
    }
    out += c;
  }
  return out + "'";
}

std::string EventsProfileQuery(ClickHouseDialect dialect, const ExportQuery& query) {
  std::string levels;
  for (int i = 1; i < 16; ++i) levels += fmt::format("{}{}", i > 1 ? ", " : "", i / 16.0);
  return fmt::format(
      "SELECT count(), quantiles({})(bx_inserted_at) FROM (SELECT {} AS bx_inserted_at FROM "
      "events WHERE {}{}) FORMAT TabSeparated",
      levels, InsertedAt(dialect), Window(InsertedAt(dialect), query), EventFilters(query));
}

std::vector<Interval> EventsPieces(const Interval& interval, std::string_view profile,
                                   uint64_t rows_per_query) {
  constexpr size_t kMaxPieces = 16;  // each piece's query scans the ingestion times once
  const std::string text(profile);
  const uint64_t rows = std::strtoull(text.c_str(), nullptr, 10);
  size_t pieces = 1;
  while (pieces < kMaxPieces && rows > pieces * rows_per_query) pieces *= 2;
  std::vector<Micros> quantiles;
  for (size_t at = text.find('['); at != std::string::npos && at + 1 < text.size();
       at = text.find(',', at + 1)) {
    quantiles.push_back(static_cast<Micros>(std::strtod(text.c_str() + at + 1, nullptr)));
  }
  if (quantiles.size() != kMaxPieces - 1) pieces = 1;
  std::vector<Interval> out;
  Micros start = interval.start;
  for (size_t j = 1; j < pieces; ++j) {
    const Micros cut = quantiles[j * kMaxPieces / pieces - 1] + 1;
    if (cut <= start || cut >= interval.end) continue;
    out.push_back({start, cut});
    start = cut;
  }
  out.push_back({start, interval.end});
  return out;
}

std::string EventsQuery(ClickHouseDialect dialect, const ExportQuery& query) {
  const std::string filters = EventFilters(query);
  const std::string columns =
      query.layout == Layout::kTables
          ? fmt::format(
                "uuid, event, properties, elements_chain, distinct_id, team_id, {}, person_id, "
                "person_properties",
                MicrosOf(dialect, "timestamp"))
          : fmt::format(
                "uuid, event, distinct_id, person_id, properties, person_properties, "
                "elements_chain, {}, {}",
                MicrosOf(dialect, "timestamp"), MicrosOf(dialect, "created_at"));
  return fmt::format(
      "SELECT toUInt8({}), {}, {} AS bx_inserted_at FROM events WHERE {}{} "
      "ORDER BY bx_inserted_at, toString(uuid) FORMAT RowBinary",
      kRowMarker, columns, InsertedAt(dialect), Window("bx_inserted_at", query), filters);
}

std::string PersonsQuery(ClickHouseDialect dialect, const ExportQuery& query) {
  const std::string team = TeamFilter(query);
  const std::string mapped_at = MicrosOf(dialect, "_timestamp", false);
  const int64_t start = query.interval.start, end = query.interval.end;
  // The (team_id, distinct_id) pairs to export: their mapping changed in the interval, or they
  // were mapped (before its end) to a person that changed in it.
  const std::string changed_persons =
      fmt::format("SELECT team_id, id FROM person WHERE {}{}", Window(mapped_at, query), team);
  const std::string candidates = fmt::format(
      "SELECT team_id, distinct_id FROM person_distinct_id2 WHERE {0} < {1}{2} "
      "AND ({0} >= {3} OR (team_id, person_id) IN ({4}))",
      mapped_at, end, team, start, changed_persons);
  return fmt::format(
      "SELECT toUInt8({marker}), team_id, distinct_id, person_id, properties, "
      "distinct_id_version, person_version, person_created_at, "
      "multiIf(id_at = 0, person_at, person_at = 0, id_at, least(id_at, person_at)), "
      "is_deleted "
      "FROM ("
      "SELECT team_id, distinct_id, argMax(person_id, version) AS person_id, "
      "max(version) AS distinct_id_version, maxIf({at}, {at} >= {start}) AS id_at "
      "FROM person_distinct_id2 WHERE {at} < {end}{team} "
      "AND (team_id, distinct_id) IN ({candidates}) GROUP BY team_id, distinct_id"
      ") ANY INNER JOIN ("
      "SELECT team_id, id AS person_id, argMax(properties, version) AS properties, "
      "max(version) AS person_version, argMax({created}, version) AS person_created_at, "
      "argMax(is_deleted, version) AS is_deleted, maxIf({at}, {at} >= {start}) AS person_at "
      "FROM person WHERE {at} < {end}{team} AND (team_id, id) IN ("
      "SELECT team_id, person_id FROM person_distinct_id2 WHERE {at} < {end}{team} "
      "AND (team_id, distinct_id) IN ({candidates})) GROUP BY team_id, id"
      ") USING (team_id, person_id) "
      "WHERE id_at != 0 OR person_at != 0 ORDER BY team_id, distinct_id FORMAT RowBinary",
      fmt::arg("marker", kRowMarker), fmt::arg("at", mapped_at), fmt::arg("start", start),
      fmt::arg("end", end), fmt::arg("team", team), fmt::arg("candidates", candidates),
      fmt::arg("created", MicrosOf(dialect, "created_at")));
}

std::string SessionEventsQuery(ClickHouseDialect dialect, const ExportQuery& query) {
  const std::string inserted_at = InsertedAt(dialect);
  const std::string session = JsonString(dialect, "$session_id");
  return fmt::format(
      "SELECT toUInt8({marker}), team_id, {session} AS bx_session_id, distinct_id, {ts} AS bx_ts, "
      "event, {ins}, properties FROM events "
      "WHERE {ins} < {end} AND bx_session_id != '' AND (team_id, bx_session_id) IN ("
      "SELECT team_id, {session} FROM events WHERE {window}{team}) "
      "ORDER BY team_id, bx_session_id, bx_ts, toString(uuid) FORMAT RowBinary",
      fmt::arg("marker", kRowMarker), fmt::arg("session", session),
      fmt::arg("ts", MicrosOf(dialect, "timestamp")), fmt::arg("ins", inserted_at),
      fmt::arg("end", query.interval.end), fmt::arg("window", Window(inserted_at, query)),
      fmt::arg("team", TeamFilter(query)));
}

}  // namespace bx
