#include "server/exposition.h"

#include <fmt/format.h>

#include <cmath>

#include "base/strings.h"

namespace bx {

void AppendLabelValue(std::string_view value, std::string& out) {
  const auto* s = reinterpret_cast<const unsigned char*>(value.data());
  const size_t n = value.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(s + i, n - i);
      if (len == 0) {
        out.append("\xEF\xBF\xBD");  // U+FFFD for each invalid byte
        ++i;
      } else {
        out.append(value.data() + i, len);
        i += len;
      }
      continue;
    }
    ++i;
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '"') {
      out.append("\\\"");
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c < 0x20 || c == 0x7F) {
      // Legal inside quotes, but a raw CR or NUL breaks line-oriented readers of the text.
      out.append("\xEF\xBF\xBD");
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void ExpositionWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (char c : help) {
    if (c == '\\') {
      out_ += "\\\\";
    } else if (c == '\n') {
      out_ += "\\n";
    } else {
      out_ += c;
    }
  }
  fmt::format_to(std::back_inserter(out_), "\n# TYPE {} {}\n", name, type);
}

void ExpositionWriter::SampleStart(std::string_view name, const Labels& labels,
                                   std::string_view le) {
  out_ += name;
  if (labels.empty() && le.empty()) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  bool first = true;
  auto label = [&](std::string_view key, std::string_view value) {
    if (!first) out_ += ',';
    first = false;
    out_ += key;
    out_ += "=\"";
    AppendLabelValue(value, out_);
    out_ += '"';
  };
  for (const auto& [key, value] : labels) label(key, value);
  if (!le.empty()) label("le", le);
  out_ += "} ";
}

void ExpositionWriter::Sample(std::string_view name, const Labels& labels, double value) {
  SampleStart(name, labels);
  out_ += FormatValue(value);
  out_ += '\n';
}

void ExpositionWriter::Sample(std::string_view name, const Labels& labels, uint64_t value) {
  SampleStart(name, labels);
  fmt::format_to(std::back_inserter(out_), "{}\n", value);
}

void ExpositionWriter::Histogram(std::string_view name, const Labels& labels,
                                 const SecondsHistogram& h) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.bounds.size(); ++i) {
    if (i < h.counts.size()) cumulative += h.counts[i];
    SampleStart(bucket, labels, FormatValue(h.bounds[i]));
    fmt::format_to(std::back_inserter(out_), "{}\n", cumulative);
  }
  // Whatever lies above the last bound; with fewer counts than buckets, nothing.
  for (size_t i = h.bounds.size(); i < h.counts.size(); ++i) cumulative += h.counts[i];
  SampleStart(bucket, labels, "+Inf");
  fmt::format_to(std::back_inserter(out_), "{}\n", cumulative);
  Sample(std::string(name) + "_sum", labels, h.sum);
  Sample(std::string(name) + "_count", labels, cumulative);
}

}  // namespace bx
