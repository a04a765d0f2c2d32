#include "core/object_key.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"

namespace bx {

std::string RenderPrefix(std::string_view tmpl, const Interval& interval, std::string_view table,
                         std::vector<std::string>* warnings) {
  const CivilUtc end = ToCivilUtc(interval.end);
  std::string out;
  out.reserve(tmpl.size() + 32);
  for (size_t i = 0; i < tmpl.size(); ++i) {
    const char ch = tmpl[i];
    if (ch == '}') {
      if (warnings) warnings->push_back(fmt::format("prefix '{}' has an unmatched '}}'", tmpl));
      return std::string(tmpl);
    }
    if (ch != '{') {
      out.push_back(ch);
      continue;
    }
    const size_t close = tmpl.find('}', i + 1);
    const size_t next_open = tmpl.find('{', i + 1);
    if (close == std::string_view::npos || next_open < close) {
      if (warnings) warnings->push_back(fmt::format("prefix '{}' has an unmatched '{{'", tmpl));
      return std::string(tmpl);
    }
    const std::string_view name = tmpl.substr(i + 1, close - i - 1);
    if (name == "year")
      out += fmt::format("{:04d}", end.year);
    else if (name == "month")
      out += fmt::format("{:02d}", end.month);
    else if (name == "day")
      out += fmt::format("{:02d}", end.day);
    else if (name == "hour")
      out += fmt::format("{:02d}", end.hour);
    else if (name == "minute")
      out += fmt::format("{:02d}", end.minute);
    else if (name == "second")
      out += fmt::format("{:02d}", end.second);
    else if (name == "table")
      out += table;
    else if (name == "data_interval_start")
      out += FormatIso(interval.start);
    else if (name == "data_interval_end")
      out += FormatIso(interval.end);
    else {
      if (warnings) {
        warnings->push_back(fmt::format(
            "prefix '{}' uses unknown variable '{{{}}}', so it is used verbatim; known: year, "
            "month, day, hour, minute, second, table, data_interval_start, data_interval_end",
            tmpl, name));
      }
      return std::string(tmpl);
    }
    i = close;
  }
  return out;
}

namespace {

// Appends the non-empty, non-"." segments of `path`; returns false on a ".." segment.
bool AppendSegments(std::string_view path, std::string& out) {
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view seg = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") return false;
    if (!out.empty()) out.push_back('/');
    out.append(seg);
  }
  return true;
}

// AppendSegments without the ".." check (a validated template has none as a whole segment).
void AppendSegmentsLenient(std::string_view path, std::string& out) {
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view seg = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (!out.empty()) out.push_back('/');
    out.append(seg);
  }
}

}  // namespace

std::string JoinKey(std::string_view prefix, std::string_view name) {
  std::string key;
  if (!AppendSegments(prefix, key) || !AppendSegments(name, key)) {
    throw InvalidArgument("prefix", "'..' is not allowed in a key: '" + std::string(prefix) + "/" +
                                        std::string(name) + "'");
  }
  return key;
}

void RejectControlCharacters(std::string_view value, const std::string& field) {
  const auto is_control = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  };
  const auto first = std::find_if(value.begin(), value.end(), is_control);
  if (first == value.end()) return;
  std::string shown;
  for (const char c : value) {
    if (is_control(c)) {
      shown += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
    } else {
      shown.push_back(c);
    }
  }
  throw InvalidArgument(
      field, fmt::format("'{}' holds the control character U+{:04X} at byte {}; control "
                         "characters (U+0000 to U+001F, U+007F) are not allowed here",
                         shown, static_cast<unsigned char>(*first), first - value.begin()));
}

void ValidatePrefixTemplate(std::string_view prefix_template, const std::string& field) {
  RejectControlCharacters(prefix_template, field);
  std::string ignored;
  if (!AppendSegments(prefix_template, ignored)) {
    throw InvalidArgument(field, "'..' segments are not allowed in a prefix");
  }
}

PrefixStart StaticPrefixStart(std::string_view tmpl) {
  PrefixStart out;
  const size_t cut = tmpl.find_first_of("{}");
  out.fixed = cut == std::string_view::npos;
  const std::string_view raw = tmpl.substr(0, cut);
  // Complete segments are normalized as JoinKey does; the text after the last '/' of a template
  // with variables is the start of a segment a variable completes (never empty, never "/").
  const size_t last_slash = raw.rfind('/');
  const std::string_view complete =
      out.fixed ? raw : raw.substr(0, last_slash == std::string_view::npos ? 0 : last_slash);
  AppendSegmentsLenient(complete, out.text);
  if (!out.fixed) {
    if (!out.text.empty()) out.text.push_back('/');
    out.text.append(raw.substr(last_slash == std::string_view::npos ? 0 : last_slash + 1));
  }
  return out;
}

IntervalKeys::IntervalKeys(const KeyLayout& layout, const Interval& interval,
                           std::string_view table, std::vector<std::string>* warnings)
    : base_(FormatIso(interval.start) + "-" + FormatIso(interval.end)), numbered_(layout.numbered) {
  prefix_ = JoinKey(RenderPrefix(layout.prefix_template, interval, table, warnings), "");
  extension_ = "." + std::string(FileExtension(layout.format));
  const bool codec_suffix =
      layout.compression != Compression::kNone &&
      (layout.format == FileFormat::kJsonLines || layout.legacy_parquet_extension);
  if (codec_suffix) extension_ += "." + std::string(CompressionExtension(layout.compression));
}

std::string IntervalKeys::DataKey(size_t file_number) const {
  std::string name = base_;
  if (numbered_) name += "-" + std::to_string(file_number);
  return JoinKey(prefix_, name + extension_);
}

std::string IntervalKeys::ManifestKey() const { return JoinKey(prefix_, base_ + "_manifest.json"); }

}  // namespace bx
