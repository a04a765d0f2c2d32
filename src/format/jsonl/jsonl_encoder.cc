#include "format/jsonl/jsonl_encoder.h"

#include <charconv>
#include <vector>

#include "base/strings.h"
#include "base/time.h"
#include "core/json_sanitizer.h"
#include "format/value_cleaning.h"

namespace bx {
namespace {

constexpr size_t kFlushBytes = 64 << 10;

class JsonLinesEncoder : public Encoder {
 public:
  JsonLinesEncoder(const Schema& schema, std::unique_ptr<ByteSink> sink, JsonLinesOptions options)
      : sink_(std::move(sink)), options_(options) {
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      keys_.push_back((i == 0 ? "{" : ",") + JsonQuote(schema.fields[i].name) + ":");
    }
    buffer_.reserve(kFlushBytes * 2);
  }

  ~JsonLinesEncoder() override { Abort(); }

  void Add(const RecordBatch& batch, size_t begin, size_t end) override {
    for (size_t row = begin; row < end; ++row) {
      AppendRow(batch, row);
      if (buffer_.size() >= kFlushBytes) Flush();
    }
    Flush();
    rows_ += end - begin;
  }

  uint64_t EstimatedFileBytes() const override { return sink_->EstimatedSize(); }

  void Finish() override {
    Flush();
    sink_->Finish();
    finished_ = true;
  }

  void Abort() noexcept override {
    if (!finished_) sink_->Abort();
    finished_ = true;
  }

  uint64_t rows() const override { return rows_; }
  uint64_t repaired_values() const override { return repaired_; }

 private:
  void Flush() {
    if (buffer_.empty()) return;
    sink_->Append(buffer_);
    buffer_.clear();
  }

  void AppendRow(const RecordBatch& batch, size_t row) {
    for (size_t c = 0; c < keys_.size(); ++c) {
      buffer_.append(keys_[c]);
      const Column& col = batch.column(c);
      if (col.IsNull(row)) {
        buffer_.append("null");
        continue;
      }
      switch (col.type()) {
        case ColumnType::kString:
          // AppendJsonEscaped applies the text rule of format/value_cleaning.h.
          if (!IsCleanText(col.String(row))) ++repaired_;
          buffer_.push_back('"');
          AppendJsonEscaped(col.String(row), buffer_);
          buffer_.push_back('"');
          break;
        case ColumnType::kJson:
          if (options_.json_as_string) {
            std::string_view text = col.String(row);
            if (!col.KnownClean(row)) {
              json_text_.clear();
              if (sanitizer_.Append(text, json_text_) != JsonCleanliness::kClean) ++repaired_;
              text = json_text_;
            }
            buffer_.push_back('"');
            AppendJsonEscaped(text, buffer_);
            buffer_.push_back('"');
          } else if (col.KnownClean(row)) {
            buffer_.append(col.String(row));
          } else if (sanitizer_.Append(col.String(row), buffer_) != JsonCleanliness::kClean) {
            ++repaired_;
          }
          break;
        case ColumnType::kTimestamp: {
          const size_t at = buffer_.size();
          buffer_.resize(at + kIsoMicrosLength + 2);
          buffer_[at] = '"';
          timestamps_.Write(col.Int(row), buffer_.data() + at + 1);
          buffer_[at + kIsoMicrosLength + 1] = '"';
          break;
        }
        case ColumnType::kInt64: {
          char digits[24];
          const auto r = std::to_chars(digits, digits + sizeof digits, col.Int(row));
          buffer_.append(digits, r.ptr);
          break;
        }
        case ColumnType::kBool:
          buffer_.append(col.Bool(row) ? "true" : "false");
          break;
      }
    }
    buffer_.append("}\n");
  }

  std::unique_ptr<ByteSink> sink_;
  JsonLinesOptions options_;
  std::vector<std::string> keys_;
  std::string json_text_;  // a JSON value before it is quoted (json_as_string)
  std::string buffer_;
  JsonSanitizer sanitizer_;
  IsoMicrosWriter timestamps_;
  uint64_t rows_ = 0;
  uint64_t repaired_ = 0;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<Encoder> MakeJsonLinesEncoder(const Schema& schema, std::unique_ptr<ByteSink> sink,
                                              JsonLinesOptions options) {
  return std::make_unique<JsonLinesEncoder>(schema, std::move(sink), options);
}

}  // namespace bx
