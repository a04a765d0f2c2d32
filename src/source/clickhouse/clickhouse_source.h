#pragma once
// The ClickHouse source: the reference system's tables (`events`, `person`,
// `person_distinct_id2`) read over the HTTP interface, for all three models, with the embedded
// source's window and rules (source/source.h, sessions_reader.h): the same rows export to the
// same bytes. The server's version picks the SQL dialect (clickhouse_queries.h).

#include <memory>

#include "source/clickhouse/clickhouse_client.h"
#include "source/source.h"

namespace bx {

class ClickHouseSource : public Source {
 public:
  explicit ClickHouseSource(ClickHouseConfig config);
  std::unique_ptr<BatchReader> Read(const ExportQuery& query) override;

  ClickHouseClient& client() { return client_; }

 private:
  ClickHouseClient client_;
};

}  // namespace bx
