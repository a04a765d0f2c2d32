#include "sink/redshift/redshift_destination.h"

#include <fmt/format.h>

#include <memory>

#include "base/error.h"
#include "base/strings.h"
#include "io/postgres/pg_connection.h"
#include "sink/postgres/postgres_config.h"
#include "sink/postgres/postgres_table.h"
#include "sink/postgres/table_values.h"
#include "sink/redshift/redshift_config.h"
#include "sink/redshift/redshift_sql.h"
#include "sink/s3/interval_staging.h"

namespace bx {
namespace {

constexpr char kStage[] = "bx_stage";
// Statements stay far under Redshift's 16 MB and 32,767 parameters.
constexpr size_t kMaxStatementBytes = 8 << 20;
constexpr size_t kMaxParameters = 32000;
constexpr size_t kMaxRowsPerInsert = 1000;

pg::ErrorNaming Naming() { return {"RedshiftError", ErrorKind::kNonRetryable}; }

class RedshiftIntervalWriter : public IntervalWriter {
 public:
  RedshiftIntervalWriter(const RedshiftConfig& config, const IntervalTarget& target)
      : config_(config),
        target_(target),
        conn_(std::make_unique<pg::Connection>(config.connection.ConnectionKeywords(),
                                               config.connection.Where(), Naming())) {
    const PostgresConfig& pg = config_.connection;
    table_ = pg.QualifiedTable();
    conn_->ExecText("CREATE SCHEMA IF NOT EXISTS " + QuoteIdentifier(pg.schema));
    conn_->ExecText(RedshiftCreateTableSql(table_, target_, config_.super_json));
    columns_ = ExistingColumns(*conn_, pg.schema, pg.table_name, target_, true);
    conn_->ExecScript("BEGIN");
    if (auto del = DeleteIntervalSql(table_, target_, columns_)) {
      conn_->ExecText(del->first, del->second);
      insert_into_ = table_;
    } else {
      // The table's own column types; without keys, so a stage may hold a key twice.
      conn_->ExecText(fmt::format("CREATE TEMP TABLE {} AS SELECT {} FROM {} WHERE FALSE", kStage,
                                  ColumnList(*target_.schema, columns_), table_));
      insert_into_ = kStage;
    }
    if (config_.copy) {
      staging_ = std::make_unique<S3IntervalStaging>(config_.copy->staging, target_,
                                                     StagingSegment(pg.schema, pg.table_name));
    }
    rows_per_insert_ = std::max<size_t>(
        1, std::min(kMaxRowsPerInsert, kMaxParameters / std::max<size_t>(1, columns_.size())));
  }

  ~RedshiftIntervalWriter() override { Abort(); }

  void Write(const RecordBatch& batch) override {
    if (staging_) return staging_->Write(batch);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      for (const CopyColumn& c : columns_) {
        std::string value;
        if (values_.Append(batch.column(c.index), row, c, value)) {
          pending_bytes_ += value.size();
          pending_.Add(value);
        } else {
          pending_.Add(std::optional<std::string>());
        }
      }
      ++pending_rows_;
      ++rows_;
      if (pending_rows_ == rows_per_insert_ || pending_bytes_ >= kMaxStatementBytes) Flush();
    }
  }

  DeliveryReport Commit() override {
    DeliveryReport report;
    if (staging_) {
      std::vector<std::pair<std::string, uint64_t>> entries;
      for (const StagedFile& f : staging_->Finish(report)) entries.emplace_back(f.url, f.bytes);
      if (!entries.empty()) {
        Copy(staging_->PutBeside(".redshift-manifest.json", RedshiftManifest(entries)));
      }
    } else {
      Flush();
      report.rows = rows_;
      report.bytes = bytes_;
      report.repaired_values = values_.repaired();
    }
    if (insert_into_ == kStage) {
      for (const std::string& sql : RedshiftMergeSql(table_, kStage, target_, columns_)) {
        conn_->ExecText(sql);
      }
    }
    conn_->ExecScript("COMMIT");
    report.location = config_.connection.Where() + " " + table_;
    conn_.reset();
    if (staging_) staging_->Remove();
    return report;
  }

  // Closing the connection rolls the open transaction back and drops the stage.
  void Abort() noexcept override {
    conn_.reset();
    if (staging_) staging_->Abort();
  }

 private:
  void Flush() {
    if (pending_rows_ == 0) return;
    conn_->ExecText(RedshiftInsertSql(insert_into_, *target_.schema, columns_, pending_rows_,
                                      config_.super_json),
                    pending_);
    bytes_ += pending_bytes_;
    pending_ = pg::Params();
    pending_rows_ = pending_bytes_ = 0;
  }

  // COPY's statement holds the access keys unless an IAM role reads the files: an error naming
  // them (a server echoing the statement) says "***" instead.
  void Copy(const std::string& manifest_url) {
    const RedshiftCopyInputs& copy = *config_.copy;
    const RedshiftCopyAuthorization auth{copy.iam_role, copy.staging.aws_access_key_id,
                                         copy.staging.aws_secret_access_key,
                                         copy.staging.aws_session_token};
    try {
      conn_->ExecText(RedshiftCopySql(insert_into_, *target_.schema, columns_, manifest_url, auth,
                                      copy.staging.region));
    } catch (const Error& e) {
      throw Error(e.kind(), e.type(),
                  MaskSecrets(e.message(), {auth.secret_access_key, auth.session_token}));
    }
  }

  RedshiftConfig config_;
  IntervalTarget target_;
  std::unique_ptr<pg::Connection> conn_;
  std::unique_ptr<S3IntervalStaging> staging_;  // copy mode
  std::string table_, insert_into_;
  std::vector<CopyColumn> columns_;
  TableValueText values_;
  pg::Params pending_;
  size_t pending_rows_ = 0, pending_bytes_ = 0, rows_per_insert_ = 1;
  uint64_t rows_ = 0, bytes_ = 0;
};

class RedshiftDestination : public Destination {
 public:
  explicit RedshiftDestination(RedshiftConfig config) : config_(std::move(config)) {}

  Layout layout() const override { return Layout::kTables; }
  std::string Location() const override {
    return config_.connection.Where() + " " + config_.connection.QualifiedTable();
  }
  std::unique_ptr<IntervalWriter> Open(const IntervalTarget& target) override {
    return std::make_unique<RedshiftIntervalWriter>(config_, target);
  }
  // Connects and runs a query (Redshift's privilege functions differ from PostgreSQL's); in copy
  // mode, also checks that the staging bucket takes and deletes an object.
  void Check() override {
    pg::Connection conn(config_.connection.ConnectionKeywords(), config_.connection.Where(),
                        Naming());
    conn.ExecText("SELECT 1");
    if (config_.copy) MakeS3ObjectStore(config_.copy->staging)->Check();
  }

 private:
  RedshiftConfig config_;
};

}  // namespace

void RegisterRedshiftDestination(DestinationRegistry& registry) {
  registry.Add({.name = "Redshift",
                .description = RedshiftDescription(),
                .validate = [](const nlohmann::json& config) { ParseRedshiftConfig(config); },
                .make = [](const nlohmann::json& config) -> std::unique_ptr<Destination> {
                  return std::make_unique<RedshiftDestination>(ParseRedshiftConfig(config));
                }});
}

}  // namespace bx
