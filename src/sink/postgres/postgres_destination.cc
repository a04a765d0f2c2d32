#include "sink/postgres/postgres_destination.h"

#include <fmt/format.h>

#include <memory>

#include "base/error.h"
#include "io/postgres/pg_connection.h"
#include "sink/postgres/copy_encoder.h"
#include "sink/postgres/postgres_config.h"
#include "sink/postgres/postgres_table.h"

namespace bx {
namespace {

constexpr char kStage[] = "bx_stage";
// COPY data goes out in pieces of about this size: memory stays bounded whatever the interval.
constexpr size_t kCopyChunkBytes = 1 << 20;

pg::ErrorNaming Naming() { return {"PostgresError", ErrorKind::kNonRetryable}; }

std::unique_ptr<pg::Connection> Connect(const PostgresConfig& config) {
  return std::make_unique<pg::Connection>(config.ConnectionKeywords(), config.Where(), Naming());
}

class PostgresIntervalWriter : public IntervalWriter {
 public:
  PostgresIntervalWriter(const PostgresConfig& config, const IntervalTarget& target)
      : config_(config), target_(target), conn_(Connect(config)) {
    const std::string table = config_.QualifiedTable();
    EnsureTable(*conn_, config_.schema, config_.table_name, target_);
    columns_ = ExistingColumns(*conn_, config_.schema, config_.table_name, target_);
    encoder_ = MakeCopyEncoder(*target_.schema, columns_);
    const std::string names = ColumnList(*target_.schema, columns_);
    conn_->ExecScript("BEGIN");
    if (auto del = DeleteIntervalSql(table, target_, columns_)) {
      // Straight into the table: one copy of the rows on the server.
      conn_->ExecText(del->first, del->second);
      conn_->BeginCopy(fmt::format("COPY {} ({}) FROM STDIN{}", table, names, encoder_->options()));
    } else {
      staged_ = true;
      // The stage has the table's own column types, so the move below converts nothing.
      conn_->ExecText(
          fmt::format("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA",
                      kStage, names, table));
      conn_->BeginCopy(
          fmt::format("COPY {} ({}) FROM STDIN{}", kStage, names, encoder_->options()));
    }
    buffer_.reserve(kCopyChunkBytes + (64 << 10));
    encoder_->Begin(buffer_);
  }

  ~PostgresIntervalWriter() override { Abort(); }

  void Write(const RecordBatch& batch) override {
    encoder_->Append(batch, buffer_);
    rows_ += batch.num_rows();
    if (buffer_.size() >= kCopyChunkBytes) Flush();
  }

  DeliveryReport Commit() override {
    encoder_->End(buffer_);
    Flush();
    conn_->EndCopy();
    if (staged_) {
      for (const std::string& sql :
           MoveStageSql(config_.QualifiedTable(), kStage, target_, columns_)) {
        conn_->ExecText(sql);
      }
    }
    conn_->ExecScript("COMMIT");
    DeliveryReport report;
    report.rows = rows_;
    report.bytes = bytes_;
    report.repaired_values = encoder_->repaired();
    report.location = config_.Where() + " " + config_.QualifiedTable();
    conn_.reset();
    return report;
  }

  // Closing the connection rolls the open transaction back and drops the stage.
  void Abort() noexcept override { conn_.reset(); }

 private:
  void Flush() {
    if (buffer_.empty()) return;
    conn_->CopyData(buffer_);
    bytes_ += buffer_.size();
    buffer_.clear();
  }

  PostgresConfig config_;
  IntervalTarget target_;
  std::unique_ptr<pg::Connection> conn_;
  std::vector<CopyColumn> columns_;
  std::unique_ptr<CopyEncoder> encoder_;
  std::string buffer_;
  uint64_t rows_ = 0, bytes_ = 0;
  bool staged_ = false;  // rows go through kStage
};

class PostgresDestination : public Destination {
 public:
  explicit PostgresDestination(PostgresConfig config) : config_(std::move(config)) {}

  Layout layout() const override { return Layout::kTables; }
  std::string Location() const override { return config_.Where() + " " + config_.QualifiedTable(); }

  std::unique_ptr<IntervalWriter> Open(const IntervalTarget& target) override {
    return std::make_unique<PostgresIntervalWriter>(config_, target);
  }

  // Connects, and checks that this user may create the table (or write to it, when it exists).
  void Check() override {
    auto conn = Connect(config_);
    // By oid: privileges on a schema this user may not even use must not fail the check.
    const pg::Result r = conn->ExecText(
        "SELECT c.oid IS NOT NULL, "
        "  CASE WHEN c.oid IS NOT NULL THEN has_schema_privilege(n.oid, 'USAGE') AND "
        "    has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'DELETE') END, "
        "  CASE WHEN n.oid IS NOT NULL THEN has_schema_privilege(n.oid, 'CREATE') "
        "    ELSE has_database_privilege(current_database(), 'CREATE') END "
        "FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = $1 "
        "LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = $2",
        pg::Params().Add(config_.schema).Add(config_.table_name));
    const bool table_exists = r.Bool(0, 0);
    if (table_exists && !r.Bool(0, 1)) {
      throw conn->PermanentError("user " + config_.user + " may not insert into and delete from " +
                                 config_.QualifiedTable() +
                                 ": grant it USAGE on the schema and "
                                 "INSERT and DELETE on the table");
    }
    if (!table_exists && !r.Bool(0, 2)) {
      throw conn->PermanentError("table " + config_.QualifiedTable() + " does not exist and user " +
                                 config_.user + " may not create it in schema " +
                                 QuoteIdentifier(config_.schema));
    }
  }

 private:
  PostgresConfig config_;
};

}  // namespace

void RegisterPostgresDestination(DestinationRegistry& registry) {
  registry.Add({.name = "Postgres",
                .description = {.label = "PostgreSQL",
                                .description = "Rows streamed with COPY in one transaction per "
                                               "run; reruns replace their interval.",
                                .summary = "{host}:{port}/{database} {schema}.{table_name}",
                                .fields = PostgresConnectionFields(5432, "db.example.com")},
                .validate = [](const nlohmann::json& config) { ParsePostgresConfig(config); },
                .make = [](const nlohmann::json& config) -> std::unique_ptr<Destination> {
                  return std::make_unique<PostgresDestination>(ParsePostgresConfig(config));
                }});
}

}  // namespace bx
