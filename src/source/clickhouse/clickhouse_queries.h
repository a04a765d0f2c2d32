#pragma once
// The SQL the ClickHouse source sends, for the reference system's tables (`events`, `person`,
// `person_distinct_id2`), in two dialects:
//   kDateTime64   servers from version 21 on (DateTime64): the reference's schema, times as
//                 DateTime64(6, 'UTC') (events' timestamp, created_at, inserted_at; person's
//                 created_at) and `_timestamp` as DateTime (whole seconds).
//   kSplitMicros  older servers (Debian's 18.16 has no DateTime64): every time column `x` is a
//                 DateTime with its microseconds in a UInt32 column `x_us` beside it (the
//                 tests' schema, src/testing/clickhouse_tables.cc).
// Every query answers in RowBinary, each row led by the byte kRowMarker: a server error after
// the first rows arrives as text at the end of a 200 response, and it is told from a row by
// that byte. Times come as Int64 microseconds, uuids as their 16 bytes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "source/source.h"

namespace bx {

enum class ClickHouseDialect { kDateTime64, kSplitMicros };

inline constexpr uint8_t kRowMarker = 0xBE;

// The dialect for a server's version() ("18.16.1" → kSplitMicros, "23.8.2.7" → kDateTime64);
// throws InvalidArgument for text that is not a version.
ClickHouseDialect DialectForVersion(std::string_view version);

// `text` as a ClickHouse string literal, quotes included.
std::string ClickHouseLiteral(std::string_view text);

// Events, either layout. Files: marker, uuid, event, distinct_id, person_id (UUID),
// properties, person_properties, elements_chain, timestamp, created_at, _inserted_at.
// Tables: marker, uuid, event, properties, elements_chain, distinct_id, team_id, timestamp,
// person_id, person_properties, _inserted_at. Rows ordered by (_inserted_at, uuid).
std::string EventsQuery(ClickHouseDialect dialect, const ExportQuery& query);

// How many events EventsQuery would return, and the 1/16, 2/16 .. 15/16 quantiles of their
// ingestion time (approximate): one TabSeparated line "<count>\t[<q1>,...,<q15>]".
std::string EventsProfileQuery(ClickHouseDialect dialect, const ExportQuery& query);

// The pieces an events interval is read in, from EventsProfileQuery's answer `profile`: the
// whole interval, or for more than `rows_per_query` rows 2, 4, 8 or 16 pieces cut at the
// quantiles. Rows are ordered by ingestion time, so the pieces' rows one after the other are
// the interval's in the same order; the server sorts a piece while the one before is exported.
std::vector<Interval> EventsPieces(const Interval& interval, std::string_view profile,
                                   uint64_t rows_per_query);

// Persons as of the interval's end, for each (team_id, distinct_id) whose mapping or person
// changed in it: marker, team_id, distinct_id, person_id (UUID), properties,
// person_distinct_id_version, person_version, created_at, _inserted_at, is_deleted (UInt8).
// Replaced versions are resolved with argMax by version (no FINAL).
std::string PersonsQuery(ClickHouseDialect dialect, const ExportQuery& query);

// Every event ingested before the interval's end of the sessions with an event ingested in
// it: marker, team_id, session_id, distinct_id, timestamp, event, _inserted_at, properties;
// ordered by team, session, timestamp, uuid.
std::string SessionEventsQuery(ClickHouseDialect dialect, const ExportQuery& query);

}  // namespace bx
