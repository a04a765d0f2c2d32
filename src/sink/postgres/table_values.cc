#include "sink/postgres/table_values.h"

#include <charconv>

#include "format/value_cleaning.h"

namespace bx {
namespace {

// The length of the longest prefix of UTF-8 `text` holding at most `max` characters (or bytes),
// never cutting a character.
size_t PrefixOf(std::string_view text, size_t max, bool bytes) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // a character starts here
      if (bytes ? i + 1 > max : chars == max) return i;
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

bool TableValueText::Append(const Column& column, size_t row, const CopyColumn& spec,
                            std::string& out) {
  if (column.IsNull(row)) return false;
  switch (column.type()) {
    case ColumnType::kString:
      AppendText(column.String(row), spec, out);
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
  return true;
}

void TableValueText::AppendText(std::string_view value, const CopyColumn& spec, std::string& out) {
  std::string_view clean = value;
  bool repaired = false;
  if (!IsCleanText(value)) {
    clean_.clear();
    AppendCleanText(value, clean_);
    clean = clean_;
    repaired = true;
  }
  if (spec.max_length) {
    const size_t cut = PrefixOf(clean, *spec.max_length, spec.length_in_bytes);
    if (cut < clean.size()) {
      clean = clean.substr(0, cut);
      repaired = true;
    }
  }
  if (repaired) ++repaired_;
  out.append(clean);
}

void TableValueText::AppendJson(std::string_view value, std::string& out) {
  const size_t start = out.size();
  const bool changed = json_.Append(value, out) != JsonCleanliness::kClean;
  bool nul = false;
  if (out.find("\\u0000", start) != std::string::npos) {
    clean_.assign(out, start);
    nul = ReplaceNulEscapes(clean_);
    out.replace(start, std::string::npos, clean_);
  }
  if (changed || nul) ++repaired_;
}

}  // namespace bx
