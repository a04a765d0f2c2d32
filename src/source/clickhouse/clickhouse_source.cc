#include "source/clickhouse/clickhouse_source.h"

#include "base/strings.h"
#include "source/clickhouse/clickhouse_queries.h"
#include "source/clickhouse/json_members.h"
#include "source/clickhouse/row_binary_rows.h"
#include "source/session_aggregate.h"

namespace bx {
namespace {

void ThrowIfCancelled(const ExportQuery& query) {
  if (query.cancel && query.cancel->load()) throw CancelledError();
}

// The events queries of an interval: one, or for a big interval one per piece (EventsPieces).
std::vector<std::string> EventsQueries(ClickHouseClient& client, const ExportQuery& query) {
  const ClickHouseDialect dialect = DialectForVersion(client.Version());
  const std::string profile = client.Execute(EventsProfileQuery(dialect, query));
  std::vector<std::string> sqls;
  ExportQuery piece = query;
  for (const Interval& part :
       EventsPieces(query.interval, profile, client.config().rows_per_query)) {
    piece.interval = part;
    sqls.push_back(EventsQuery(dialect, piece));
  }
  return sqls;
}

// Fills batches until they reach the query's bounds; AppendRow takes the current row.
class RowsReader : public BatchReader {
 public:
  RowsReader(ClickHouseClient& client, const ExportQuery& query, std::vector<std::string> sqls,
             std::vector<Wire> row)
      : query_(query), rows_(client, std::move(sqls), std::move(row), query.cancel) {}

  bool Next(RecordBatch& batch) override {
    ThrowIfCancelled(query_);
    batch.Clear();
    while (batch.num_rows() < query_.batch_rows && batch.ByteSize() < query_.batch_bytes &&
           rows_.Next()) {
      AppendRow(batch);
    }
    return batch.num_rows() > 0;
  }

 protected:
  virtual void AppendRow(RecordBatch& batch) = 0;

  ExportQuery query_;
  RowBinaryRows rows_;
};

// Rows whose columns are the schema's, in order (events as files, persons).
class DirectReader : public RowsReader {
 public:
  using RowsReader::RowsReader;

 protected:
  void AppendRow(RecordBatch& batch) override {
    for (size_t i = 0; i < batch.num_columns(); ++i) {
      Column& column = batch.column(i);
      if (column.is_binary()) {
        column.AppendString(rows_[i].text);
      } else {
        column.AppendInt(rows_[i].number);
      }
    }
  }
};

std::vector<Wire> EventsFileRow() {
  using W = Wire;
  return {W::kUuid,   W::kString, W::kString, W::kUuid,  W::kString,
          W::kString, W::kString, W::kInt64,  W::kInt64, W::kInt64};
}

std::vector<Wire> PersonsRow() {
  using W = Wire;
  return {W::kInt64, W::kString, W::kUuid,  W::kString, W::kInt64,
          W::kInt64, W::kInt64,  W::kInt64, W::kUInt8};
}

// Events as a warehouse table has them: $set, $set_once and $ip from the properties, the
// elements chain as a JSON string, site_url empty (as the embedded source gives them).
class EventsTableReader : public RowsReader {
 public:
  EventsTableReader(ClickHouseClient& client, const ExportQuery& query)
      : RowsReader(client, query, EventsQueries(client, query),
                   {Wire::kUuid, Wire::kString, Wire::kString, Wire::kString, Wire::kString,
                    Wire::kInt64, Wire::kInt64, Wire::kUuid, Wire::kString, Wire::kInt64}),
        members_({{"$set", JsonMembers::As::kJson},
                  {"$set_once", JsonMembers::As::kJson},
                  {"$ip", JsonMembers::As::kValue}}) {}

 protected:
  enum In {
    kUuid,
    kEvent,
    kProperties,
    kElements,
    kDistinctId,
    kTeam,
    kTs,
    kPerson,
    kPersonProps,
    kAt
  };

  void AppendRow(RecordBatch& batch) override {
    members_.Read(rows_[kProperties].text);
    auto optional = [](Column& column, const std::optional<std::string>& value) {
      value ? column.AppendString(*value) : column.AppendNull();
    };
    size_t c = 0;
    batch.column(c++).AppendString(rows_[kUuid].text);
    batch.column(c++).AppendString(rows_[kEvent].text);
    batch.column(c++).AppendString(rows_[kProperties].text);
    batch.column(c++).AppendString(JsonQuote(rows_[kElements].text));
    optional(batch.column(c++), members_.Get(0));
    optional(batch.column(c++), members_.Get(1));
    batch.column(c++).AppendString(rows_[kDistinctId].text);
    batch.column(c++).AppendInt(rows_[kTeam].number);
    optional(batch.column(c++), members_.Get(2));
    batch.column(c++).AppendString("");
    batch.column(c++).AppendInt(rows_[kTs].number);
    batch.column(c++).AppendString(rows_[kPerson].text);
    batch.column(c++).AppendString(rows_[kPersonProps].text);
    batch.column(c++).AppendInt(rows_[kAt].number);
  }

 private:
  JsonMembers members_;
};

// Sessions: the events of each session, in order, folded into its row.
class SessionsReader : public BatchReader {
 public:
  SessionsReader(ClickHouseClient& client, const ExportQuery& query)
      : query_(query),
        rows_(client, {SessionEventsQuery(DialectForVersion(client.Version()), query)},
              {Wire::kInt64, Wire::kString, Wire::kString, Wire::kInt64, Wire::kString,
               Wire::kInt64, Wire::kString},
              query.cancel),
        members_({{"$current_url", JsonMembers::As::kValue},
                  {"$pathname", JsonMembers::As::kValue},
                  {"utm_source", JsonMembers::As::kValue},
                  {"utm_campaign", JsonMembers::As::kValue},
                  {"utm_medium", JsonMembers::As::kValue},
                  {"$referring_domain", JsonMembers::As::kValue}}) {}

  bool Next(RecordBatch& batch) override {
    ThrowIfCancelled(query_);
    batch.Clear();
    while (batch.num_rows() < query_.batch_rows && batch.ByteSize() < query_.batch_bytes) {
      if (!row_ready_ && !Step()) break;
      session_.Begin(Event());
      while (Step() && session_.Holds(rows_[kTeam].number, rows_[kSession].text)) {
        session_.Add(Event());
      }
      session_.AppendTo(batch);
    }
    return batch.num_rows() > 0;
  }

 private:
  enum In { kTeam, kSession, kDistinctId, kTs, kEvent, kAt, kProperties };

  bool Step() { return row_ready_ = rows_.Next(); }

  SessionEvent Event() {
    members_.Read(rows_[kProperties].text);
    auto get = [this](size_t i) -> std::string_view {
      const auto& value = members_.Get(i);
      return value ? std::string_view(*value) : std::string_view();
    };
    SessionEvent e;
    e.team_id = rows_[kTeam].number;
    e.session_id = rows_[kSession].text;
    e.distinct_id = rows_[kDistinctId].text;
    e.timestamp = rows_[kTs].number;
    e.event = rows_[kEvent].text;
    e.inserted_at = rows_[kAt].number;
    e.current_url = get(0);
    e.pathname = get(1);
    e.utm_source = get(2);
    e.utm_campaign = get(3);
    e.utm_medium = get(4);
    e.referring_domain = get(5);
    return e;
  }

  ExportQuery query_;
  RowBinaryRows rows_;
  JsonMembers members_;
  SessionAggregate session_;
  bool row_ready_ = false;
};

}  // namespace

ClickHouseSource::ClickHouseSource(ClickHouseConfig config) : client_(std::move(config)) {}

std::unique_ptr<BatchReader> ClickHouseSource::Read(const ExportQuery& query) {
  const ClickHouseDialect dialect = DialectForVersion(client_.Version());
  switch (query.model) {
    case Model::kEvents:
      if (query.layout == Layout::kTables) {
        return std::make_unique<EventsTableReader>(client_, query);
      }
      return std::make_unique<DirectReader>(client_, query, EventsQueries(client_, query),
                                            EventsFileRow());
    case Model::kPersons:
      return std::make_unique<DirectReader>(
          client_, query, std::vector<std::string>{PersonsQuery(dialect, query)}, PersonsRow());
    case Model::kSessions:
      return std::make_unique<SessionsReader>(client_, query);
  }
  throw Error(ErrorKind::kInternal, "InternalError", "unknown model");
}

}  // namespace bx
