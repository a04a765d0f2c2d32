#include "format/value_cleaning.h"

#include <simdjson.h>

#include <cstring>

#include "base/strings.h"

namespace bx {

bool IsCleanText(std::string_view text) {
  // An empty view's data() may be null, which memchr must not see.
  return text.empty() || (std::memchr(text.data(), '\0', text.size()) == nullptr &&
                          simdjson::validate_utf8(text.data(), text.size()));
}

void AppendCleanText(std::string_view text, std::string& out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    if (s[i] == 0) {
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s + i, n - i);
    if (len == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD for each invalid byte
      ++i;
    } else {
      out.append(text.data() + i, len);
      i += len;
    }
  }
}

bool ColumnCleaner::IsClean(ColumnType type, std::string_view value) {
  return type == ColumnType::kJson ? json_.IsClean(value) : IsCleanText(value);
}

bool ColumnCleaner::AppendClean(ColumnType type, std::string_view value, std::string& out) {
  if (type == ColumnType::kJson) return json_.Append(value, out) != JsonCleanliness::kClean;
  if (IsCleanText(value)) {
    out.append(value);
    return false;
  }
  AppendCleanText(value, out);
  return true;
}

const Column& ColumnCleaner::Clean(const Column& column, size_t& begin, size_t& end) {
  if (!column.is_binary()) return column;
  size_t dirty = begin;
  while (dirty < end && (column.IsNull(dirty) || column.KnownClean(dirty) ||
                         IsClean(column.type(), column.String(dirty)))) {
    ++dirty;
  }
  if (dirty == end) return column;

  if (copy_.type() == column.type()) {
    copy_.Clear();
  } else {
    copy_ = Column(column.type());
  }
  for (size_t row = begin; row < end; ++row) {
    if (column.IsNull(row)) {
      copy_.AppendNull();
    } else if (row < dirty || column.KnownClean(row)) {
      copy_.AppendString(column.String(row), column.KnownClean(row));
    } else {
      scratch_.clear();
      if (AppendClean(column.type(), column.String(row), scratch_)) ++repaired_;
      copy_.AppendString(scratch_);
    }
  }
  end -= begin;
  begin = 0;
  return copy_;
}

}  // namespace bx
