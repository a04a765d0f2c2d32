#include "sink/bigquery/bigquery_destination.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "base/error.h"
#include "base/log.h"
#include "format/jsonl/jsonl_encoder.h"
#include "sink/bigquery/bigquery_api.h"
#include "sink/bigquery/bigquery_config.h"
#include "sink/bigquery/bigquery_load_upload.h"
#include "sink/bigquery/bigquery_sql.h"

namespace bx {
namespace {

constexpr int64_t kStageLifetimeMs = 24LL * 3600 * 1000;

// BigQuery job ids: letters, digits, '_' and '-', at most 1024.
std::string JobId(const std::string& attempt_id, const char* step) {
  std::string id = "bx_";
  for (char c : attempt_id.substr(0, 900)) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    id += safe ? c : '_';
  }
  return id + "_" + step;
}

std::string StageTableId(const std::string& table_id, const std::string& attempt_id) {
  return fmt::format("{}_bx_stage_{:016x}", table_id.substr(0, 900),
                     std::hash<std::string>{}(attempt_id));
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class BigQueryIntervalWriter : public IntervalWriter {
 public:
  BigQueryIntervalWriter(const BigQueryConfig& config, const IntervalTarget& target,
                         const std::atomic<bool>* cancel)
      : config_(config), target_(target), api_(config) {
    api_.SetCancel(cancel);
    table_ = BigQueryTableName(config_, config_.table_id);
    columns_ = TableColumns();
    stage_id_ = StageTableId(config_.table_id, target_.attempt_id);
  }

  ~BigQueryIntervalWriter() override { Abort(); }

  void Write(const RecordBatch& batch) override {
    if (batch.num_rows() == 0) return;
    if (!encoder_) StartLoad();
    encoder_->Add(batch, 0, batch.num_rows());
  }

  DeliveryReport Commit() override {
    DeliveryReport report;
    if (encoder_) {
      encoder_->Finish();
      report.rows = encoder_->rows();
      report.repaired_values = encoder_->repaired_values();
      report.bytes = upload_->BytesWritten();
      api_.WaitForJob(upload_->job());
    }
    const std::string stage = encoder_ ? BigQueryTableName(config_, stage_id_) : "";
    BigQueryScript script =
        ReplaceIntervalScript(table_, stage, target_, columns_, ingested_timestamp_);
    if (script.sql.empty() && !stage.empty()) {
      script = MergeScript(table_, stage, target_, columns_, ingested_timestamp_);
    }
    if (!script.sql.empty()) RunQuery(JobId(target_.attempt_id, "move"), script);
    DropStage();
    report.location = config_.Where();
    committed_ = true;
    return report;
  }

  void Abort() noexcept override {
    if (committed_) return;
    committed_ = true;
    if (encoder_) encoder_->Abort();
    DropStage();
  }

 private:
  // The model's columns the table has; the table, created with all of them when missing.
  std::vector<size_t> TableColumns() {
    const Schema& schema = *target_.schema;
    std::optional<nlohmann::json> table = api_.GetTable(config_.table_id);
    if (!table) {
      api_.InsertTable(
          {{"tableReference",
            {{"projectId", config_.project_id},
             {"datasetId", config_.dataset_id},
             {"tableId", config_.table_id}}},
           {"schema", {{"fields", BigQueryFields(schema, config_.use_json_type, true)}}}});
      table = api_.GetTable(config_.table_id);
      if (!table) {
        throw Error(ErrorKind::kRetryable, "BigQueryUnavailable",
                    "table " + config_.Where() + " was created but is not there yet");
      }
    }
    std::vector<size_t> columns;
    const nlohmann::json& fields = (*table)["schema"]["fields"];
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      for (const nlohmann::json& f : fields) {
        if (f.value("name", "") == schema.fields[i].name) columns.push_back(i);
      }
    }
    std::vector<size_t> required = target_.key_columns;
    required.insert(required.end(), target_.version_columns.begin(), target_.version_columns.end());
    for (size_t needed : required) {
      if (std::find(columns.begin(), columns.end(), needed) == columns.end()) {
        throw Error(ErrorKind::kNonRetryable, "BigQueryInvalid",
                    fmt::format("table {} has no column {}, which the export needs to tell rows "
                                "apart or which is newer: add it, or export to a new table (it "
                                "is created with every column)",
                                config_.Where(), schema.fields[needed].name));
      }
    }
    ingested_timestamp_ = std::any_of(fields.begin(), fields.end(), [](const auto& f) {
      return f.value("name", "") == kIngestedTimestamp;
    });
    return columns;
  }

  // The stage has the model's every column, whatever the table has: the query job picks.
  void StartLoad() {
    const Schema& schema = *target_.schema;
    const nlohmann::json fields = BigQueryFields(schema, config_.use_json_type, false);
    api_.InsertTable({{"tableReference",
                       {{"projectId", config_.project_id},
                        {"datasetId", config_.dataset_id},
                        {"tableId", stage_id_}}},
                      {"schema", {{"fields", fields}}},
                      {"expirationTime", std::to_string(NowMs() + kStageLifetimeMs)}});
    stage_created_ = true;
    nlohmann::json job = {
        {"jobReference",
         {{"projectId", config_.project_id}, {"jobId", JobId(target_.attempt_id, "load")}}},
        {"configuration",
         {{"load",
           {{"destinationTable",
             {{"projectId", config_.project_id},
              {"datasetId", config_.dataset_id},
              {"tableId", stage_id_}}},
            {"sourceFormat", "NEWLINE_DELIMITED_JSON"},
            {"schema", {{"fields", fields}}},
            {"writeDisposition", "WRITE_TRUNCATE"},
            {"createDisposition", "CREATE_NEVER"}}}}}};
    if (!config_.location.empty()) job["jobReference"]["location"] = config_.location;
    auto upload = std::make_unique<BigQueryLoadUpload>(api_, std::move(job));
    upload_ = upload.get();
    encoder_ =
        MakeJsonLinesEncoder(schema, std::move(upload), {.json_as_string = !config_.use_json_type});
  }

  void RunQuery(const std::string& job_id, const BigQueryScript& script) {
    nlohmann::json query = {{"query", script.sql}, {"useLegacySql", false}};
    if (!script.parameters.empty()) {
      query["parameterMode"] = "NAMED";
      query["queryParameters"] = script.parameters;
    }
    nlohmann::json job = {{"jobReference", {{"projectId", config_.project_id}, {"jobId", job_id}}},
                          {"configuration", {{"query", query}}}};
    if (!config_.location.empty()) job["jobReference"]["location"] = config_.location;
    api_.WaitForJob(api_.InsertJob(job));
  }

  void DropStage() noexcept {
    if (!stage_created_) return;
    stage_created_ = false;
    try {
      api_.DeleteTable(stage_id_);
    } catch (const Error& e) {
      spdlog::warn("BigQuery: the stage table {} stays until it expires in a day: {}", stage_id_,
                   e.Describe());
    }
  }

  BigQueryConfig config_;
  IntervalTarget target_;
  BigQueryApi api_;
  std::string table_, stage_id_;
  std::vector<size_t> columns_;
  bool ingested_timestamp_ = false;  // the table has bq_ingested_timestamp
  bool stage_created_ = false;
  bool committed_ = false;
  BigQueryLoadUpload* upload_ = nullptr;  // owned by encoder_
  std::unique_ptr<Encoder> encoder_;
};

class BigQueryDestination : public Destination {
 public:
  explicit BigQueryDestination(BigQueryConfig config) : config_(std::move(config)) {}

  Layout layout() const override { return Layout::kTables; }
  std::string Location() const override { return config_.Where(); }
  void SetCancel(const std::atomic<bool>* cancel) override { cancel_ = cancel; }
  std::unique_ptr<IntervalWriter> Open(const IntervalTarget& target) override {
    return std::make_unique<BigQueryIntervalWriter>(config_, target, cancel_);
  }
  // A token for the account, then the dataset: exists, and this account may see it.
  void Check() override {
    BigQueryApi api(config_);
    api.SetCancel(cancel_);
    api.GetTable(config_.table_id);
  }

 private:
  BigQueryConfig config_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace

void RegisterBigQueryDestination(DestinationRegistry& registry) {
  registry.Add({.name = "BigQuery",
                .description = BigQueryDescription(),
                .validate = [](const nlohmann::json& config) { ParseBigQueryConfig(config); },
                .make = [](const nlohmann::json& config) -> std::unique_ptr<Destination> {
                  return std::make_unique<BigQueryDestination>(ParseBigQueryConfig(config));
                }});
}

}  // namespace bx
