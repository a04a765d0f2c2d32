#include "sink/postgres/copy_text.h"

#include <charconv>

#include "format/value_cleaning.h"

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

// The length of the longest prefix of UTF-8 `text` holding at most `max_chars` characters.
size_t PrefixOfChars(std::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // a character starts here
      if (chars == max_chars) return i;
      ++chars;
    }
  }
  return text.size();
}

// Replaces each "\u0000" escape of JSON text `json` by "\ufffd"; true when there was one.
bool ReplaceNulEscapes(std::string& json) {
  bool replaced = false;
  for (size_t i = 0; i + 1 < json.size(); ++i) {
    if (json[i] != '\\') continue;
    if (json.compare(i + 1, 5, "u0000") == 0) {
      json.replace(i + 2, 4, "fffd");
      replaced = true;
    }
    ++i;  // the escaped character, whatever it is
  }
  return replaced;
}

}  // namespace

void CopyTextEncoder::Append(const RecordBatch& batch, std::string& out) {
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) out += '\t';
      const Column& column = batch.column(columns_[i].index);
      if (column.IsNull(row)) {
        out += "\\N";
        continue;
      }
      switch (column.type()) {
        case ColumnType::kString:
          AppendText(column.String(row), columns_[i].max_chars, out);
          break;
        case ColumnType::kJson:
          AppendJson(column.String(row), out);
          break;
        case ColumnType::kInt64: {
          char digits[24];
          const auto end = std::to_chars(digits, digits + sizeof digits, column.Int(row)).ptr;
          out.append(digits, end);
          break;
        }
        case ColumnType::kTimestamp: {
          char iso[kIsoMicrosLength];
          times_.Write(column.Int(row), iso);
          out.append(iso, sizeof iso);
          break;
        }
        case ColumnType::kBool:
          out += column.Int(row) != 0 ? 't' : 'f';
          break;
      }
    }
    out += '\n';
  }
}

void CopyTextEncoder::AppendText(std::string_view value, std::optional<size_t> max_chars,
                                 std::string& out) {
  std::string_view clean = value;
  if (!IsCleanText(value)) {
    scratch_.clear();
    AppendCleanText(value, scratch_);
    clean = scratch_;
    ++repaired_;
  }
  if (max_chars) {
    const size_t cut = PrefixOfChars(clean, *max_chars);
    if (cut < clean.size()) {
      if (clean.data() == value.data()) ++repaired_;  // not counted yet
      clean = clean.substr(0, cut);
    }
  }
  AppendEscaped(clean, out);
}

void CopyTextEncoder::AppendJson(std::string_view value, std::string& out) {
  scratch_.clear();
  const bool changed = json_.Append(value, scratch_) != JsonCleanliness::kClean;
  const bool nul = scratch_.find("\\u0000") != std::string::npos && ReplaceNulEscapes(scratch_);
  if (changed || nul) ++repaired_;
  AppendEscaped(scratch_, out);
}

}  // namespace bx
