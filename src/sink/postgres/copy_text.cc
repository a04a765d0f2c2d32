#include "sink/postgres/copy_text.h"

namespace bx {
namespace {

void AppendEscaped(std::string_view value, std::string& out) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

void CopyTextEncoder::Append(const RecordBatch& batch, std::string& out) {
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out += '\t';
      const Column& column = batch.column(columns_[i].index);
      if (!column.is_binary()) {  // numbers, times and booleans need no escaping
        if (!values_.Append(column, row, columns_[i], out)) out += "\\N";
        continue;
      }
      value_.clear();
      if (values_.Append(column, row, columns_[i], value_)) {
        AppendEscaped(value_, out);
      } else {
        out += "\\N";
      }
    }
    out += '\n';
  }
}

}  // namespace bx
