#include "testing/memory_destination.h"

#include "base/error.h"

namespace bx::testing {
namespace {

std::string RowText(const RecordBatch& batch, size_t row) {
  std::string text;
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    const Column& column = batch.column(c);
    if (c > 0) text += '\t';
    if (column.IsNull(row)) {
      text += "NULL";
    } else if (column.type() == ColumnType::kString || column.type() == ColumnType::kJson) {
      text += column.String(row);
    } else {
      text += std::to_string(column.Int(row));
    }
  }
  return text;
}

class MemoryWriter : public IntervalWriter {
 public:
  MemoryWriter(std::string name, Micros start) : name_(std::move(name)), start_(start) {}
  void Write(const RecordBatch& batch) override {
    for (size_t row = 0; row < batch.num_rows(); ++row) rows_.push_back(RowText(batch, row));
  }
  DeliveryReport Commit() override {
    DeliveryReport report;
    report.rows = rows_.size();
    for (const std::string& r : rows_) report.bytes += r.size() + 1;
    report.location = "memory:" + name_;
    MemoryDeliveries::Get().Commit(name_, start_, std::move(rows_));
    return report;
  }
  void Abort() noexcept override { rows_.clear(); }

 private:
  std::string name_;
  Micros start_;
  std::vector<std::string> rows_;
};

class MemoryDestination : public Destination {
 public:
  explicit MemoryDestination(std::string name) : name_(std::move(name)) {}
  void Check() override {}
  std::unique_ptr<IntervalWriter> Open(const IntervalTarget& target) override {
    return std::make_unique<MemoryWriter>(name_, target.interval.start);
  }
  std::string Location() const override { return "memory:" + name_; }

 private:
  std::string name_;
};

std::string ParseName(const nlohmann::json& config) {
  JsonFields fields = DestinationConfigFields(config);
  std::string name = fields.RequiredString("name");
  fields.OptionalString("memory_password");  // a secret field, to show secrets are declared here
  fields.RejectUnknown();
  return name;
}

}  // namespace

MemoryDeliveries& MemoryDeliveries::Get() {
  static MemoryDeliveries deliveries;
  return deliveries;
}

void MemoryDeliveries::Commit(const std::string& name, Micros interval_start,
                              std::vector<std::string> rows) {
  std::lock_guard lock(mu_);
  rows_[name][interval_start] = std::move(rows);
  ++commits_[name];
}

std::map<Micros, std::vector<std::string>> MemoryDeliveries::Of(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = rows_.find(name);
  return it == rows_.end() ? std::map<Micros, std::vector<std::string>>{} : it->second;
}

size_t MemoryDeliveries::commits(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = commits_.find(name);
  return it == commits_.end() ? 0 : it->second;
}

void RegisterMemoryDestination(DestinationRegistry& registry) {
  registry.Add({.name = "Memory",
                .description =
                    {.label = "Memory (tests)",
                     .description = "Rows kept in the test process.",
                     .summary = "{name}",
                     .fields = {{.name = "name", .label = "Name", .required = true},
                                {.name = "memory_password", .label = "Password", .secret = true}}},
                .validate = [](const nlohmann::json& config) { ParseName(config); },
                .make = [](const nlohmann::json& config) -> std::unique_ptr<Destination> {
                  return std::make_unique<MemoryDestination>(ParseName(config));
                }});
}

}  // namespace bx::testing
