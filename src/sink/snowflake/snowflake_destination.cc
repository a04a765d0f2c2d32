#include "sink/snowflake/snowflake_destination.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "base/error.h"
#include "base/log.h"
#include "base/random_id.h"
#include "base/strings.h"
#include "base/time.h"
#include "core/json_sanitizer.h"
#include "format/value_cleaning.h"
#include "sink/s3/interval_staging.h"
#include "sink/snowflake/snowflake_api.h"
#include "sink/snowflake/snowflake_config.h"
#include "sink/snowflake/snowflake_sql.h"

namespace bx {
namespace {

// Under the SQL API's 1 MB a statement and Snowflake's 16,384 rows in a VALUES list.
constexpr size_t kMaxStatementBytes = 900 << 10;
constexpr size_t kMaxRowsPerInsert = 16000;

class SnowflakeIntervalWriter : public IntervalWriter {
 public:
  SnowflakeIntervalWriter(const SnowflakeConfig& config, const IntervalTarget& target,
                          const std::atomic<bool>* cancel)
      : config_(config), target_(target), api_(config) {
    api_.SetCancel(cancel);
    table_ = SnowflakeTableName(config_, config_.table_name);
    stage_ = SnowflakeTableName(
        config_, fmt::format("{}_bx_stage_{:016x}", config_.table_name.substr(0, 200),
                             std::hash<std::string>{}(target_.attempt_id)));
    api_.Execute(RequestId("create"), {SnowflakeCreateTableSql(table_, *target_.schema)},
                 "create table " + config_.Where());
    columns_ = TableColumns();
    api_.Execute(RequestId("stage"), {SnowflakeCreateStageSql(stage_, table_)},
                 "create the stage " + stage_);
    stage_created_ = true;
    if (config_.stage) {
      staging_ = std::make_unique<S3IntervalStaging>(
          *config_.stage, target_,
          StagingSegment(config_.database + "." + config_.schema, config_.table_name));
    } else {
      StartInsert();
    }
  }

  ~SnowflakeIntervalWriter() override { Abort(); }

  void Write(const RecordBatch& batch) override {
    if (staging_) return staging_->Write(batch);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      if (pending_rows_ > 0) sql_ += ", ";
      sql_ += '(';
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (i > 0) sql_ += ", ";
        AppendValue(batch.column(columns_[i]), row);
      }
      sql_ += ')';
      ++pending_rows_;
      ++rows_;
      if (pending_rows_ >= kMaxRowsPerInsert || sql_.size() >= kMaxStatementBytes) Flush();
    }
  }

  DeliveryReport Commit() override {
    DeliveryReport report;
    if (staging_) {
      const std::vector<StagedFile> files = staging_->Finish(report);
      if (!files.empty()) Copy(files);
    } else {
      Flush();
      report.rows = rows_;
      report.bytes = bytes_;
      report.repaired_values = repaired_;
    }
    api_.Execute(RequestId("move"),
                 SnowflakeMoveStatements(table_, stage_, target_, columns_, report.rows > 0),
                 "move the interval's rows into " + config_.Where());
    committed_ = true;
    DropStage();
    if (staging_) staging_->Remove();
    report.location = config_.Where();
    return report;
  }

  void Abort() noexcept override {
    if (committed_) return;
    committed_ = true;
    if (staging_) staging_->Abort();
    DropStage();
  }

 private:
  std::string RequestId(const std::string& step) const {
    return SnowflakeRequestId(target_.attempt_id + " " + config_.Where() + " " + step);
  }

  std::vector<size_t> TableColumns() {
    const nlohmann::json result = api_.Execute(
        RequestId("columns"), {SnowflakeColumnsQuery(config_)}, "columns of " + config_.Where());
    const Schema& schema = *target_.schema;
    std::vector<size_t> columns;
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      for (const nlohmann::json& row : result.value("data", nlohmann::json::array())) {
        if (row.is_array() && !row.empty() && row[0] == schema.fields[i].name) columns.push_back(i);
      }
    }
    std::vector<size_t> required = target_.key_columns;
    required.insert(required.end(), target_.version_columns.begin(), target_.version_columns.end());
    for (size_t needed : required) {
      if (std::find(columns.begin(), columns.end(), needed) == columns.end()) {
        throw Error(ErrorKind::kNonRetryable, "SnowflakeSqlError",
                    fmt::format("table {} has no column \"{}\", which the export needs to tell "
                                "rows apart or which is newer: add it, or export to a new table "
                                "(it is created with every column)",
                                config_.Where(), schema.fields[needed].name));
      }
    }
    return columns;
  }

  // INSERT INTO stage (...) SELECT column1, PARSE_JSON(column2), ... FROM VALUES (...), ...:
  // Snowflake takes no function calls inside VALUES.
  void StartInsert() {
    const Schema& schema = *target_.schema;
    std::vector<std::string> names, select;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const Field& f = schema.fields[columns_[i]];
      names.push_back(SnowflakeIdentifier(f.name));
      const std::string column = fmt::format("column{}", i + 1);
      select.push_back(f.type == ColumnType::kJson        ? "PARSE_JSON(" + column + ")"
                       : f.type == ColumnType::kTimestamp ? "TO_TIMESTAMP_NTZ(" + column + ")"
                                                          : column);
    }
    insert_prefix_ = fmt::format("INSERT INTO {} ({}) SELECT {} FROM VALUES ", stage_,
                                 fmt::join(names, ", "), fmt::join(select, ", "));
    sql_ = insert_prefix_;
  }

  void AppendValue(const Column& column, size_t row) {
    if (column.IsNull(row)) {
      sql_ += "NULL";
      return;
    }
    switch (column.type()) {
      case ColumnType::kString: {
        text_.clear();
        if (!IsCleanText(column.String(row))) ++repaired_;
        AppendCleanText(column.String(row), text_);
        sql_ += SnowflakeString(text_);
        break;
      }
      case ColumnType::kJson:
        text_.clear();
        if (json_.Append(column.String(row), text_) != JsonCleanliness::kClean) ++repaired_;
        sql_ += SnowflakeString(text_);
        break;
      case ColumnType::kTimestamp:
        sql_ += SnowflakeString(FormatIsoMicros(column.Int(row)).substr(0, 26));
        break;
      case ColumnType::kInt64: {
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, column.Int(row));
        sql_.append(digits, r.ptr);
        break;
      }
      case ColumnType::kBool:
        sql_ += column.Bool(row) ? "TRUE" : "FALSE";
        break;
    }
  }

  // The statement holds the access keys unless a storage integration reads the files: an error
  // quoting it says "***" instead.
  void Copy(const std::vector<StagedFile>& files) {
    const S3DestinationConfig& stage = *config_.stage;
    const SnowflakeStageAccess access{config_.storage_integration, stage.aws_access_key_id,
                                      stage.aws_secret_access_key, stage.aws_session_token};
    const std::string location = staging_->Location();
    std::vector<std::string> names;
    for (const StagedFile& f : files) names.push_back(f.url.substr(location.size()));
    try {
      api_.Execute(RequestId("copy"), {SnowflakeCopySql(stage_, location, names, access)},
                   fmt::format("COPY of {} staged files into {}", files.size(), stage_));
    } catch (const Error& e) {
      throw Error(e.kind(), e.type(),
                  MaskSecrets(e.message(), {access.aws_secret_key, access.aws_token}));
    }
  }

  void Flush() {
    if (pending_rows_ == 0) return;
    bytes_ += sql_.size() - insert_prefix_.size();
    api_.Execute(RequestId(fmt::format("insert {}", inserts_++)), {sql_},
                 fmt::format("insert {} rows into the stage", pending_rows_));
    sql_ = insert_prefix_;
    pending_rows_ = 0;
  }

  void DropStage() noexcept {
    if (!stage_created_) return;
    stage_created_ = false;
    try {
      api_.SetCancel(nullptr);  // a cancelled run still drops its stage
      api_.Execute(RequestId("drop"), {"DROP TABLE IF EXISTS " + stage_}, "drop " + stage_);
    } catch (const Error& e) {
      spdlog::warn("Snowflake: the stage table {} was not dropped: {}", stage_, e.Describe());
    }
  }

  SnowflakeConfig config_;
  IntervalTarget target_;
  SnowflakeApi api_;
  std::string table_, stage_;
  std::vector<size_t> columns_;
  std::string insert_prefix_, sql_, text_;
  JsonSanitizer json_;
  std::unique_ptr<S3IntervalStaging> staging_;  // with a stage: the files COPY loads
  size_t pending_rows_ = 0, inserts_ = 0;
  uint64_t rows_ = 0, bytes_ = 0, repaired_ = 0;
  bool stage_created_ = false;
  bool committed_ = false;
};

class SnowflakeDestination : public Destination {
 public:
  explicit SnowflakeDestination(SnowflakeConfig config) : config_(std::move(config)) {}

  Layout layout() const override { return Layout::kTables; }
  std::string Location() const override { return config_.Where(); }
  void SetCancel(const std::atomic<bool>* cancel) override { cancel_ = cancel; }
  std::unique_ptr<IntervalWriter> Open(const IntervalTarget& target) override {
    return std::make_unique<SnowflakeIntervalWriter>(config_, target, cancel_);
  }
  // Authenticates and reads the table's columns (the database, schema and warehouse exist).
  void Check() override {
    SnowflakeApi api(config_);
    api.SetCancel(cancel_);
    api.Execute(SnowflakeRequestId("check " + RandomHex()), {SnowflakeColumnsQuery(config_)},
                "check " + config_.Where());
  }

 private:
  SnowflakeConfig config_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace

void RegisterSnowflakeDestination(DestinationRegistry& registry) {
  registry.Add({.name = "Snowflake",
                .description = SnowflakeDescription(),
                .validate = [](const nlohmann::json& config) { ParseSnowflakeConfig(config); },
                .make = [](const nlohmann::json& config) -> std::unique_ptr<Destination> {
                  return std::make_unique<SnowflakeDestination>(ParseSnowflakeConfig(config));
                }});
}

}  // namespace bx
