#pragma once
// Writes the Prometheus text exposition format, version 0.0.4: one family at a time (its # HELP
// and # TYPE lines, then its samples), label values escaped (backslash, double quote, newline),
// histograms as cumulative buckets up to +Inf with _sum and _count.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "service/batch_export_service.h"

namespace bx {

// Label names are the caller's identifiers; values may be anything (an export's name).
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

// `value` as the inside of a quoted label value: \ " and newline escaped as the format says;
// other control characters and invalid UTF-8 become U+FFFD, so any input gives one valid line.
void AppendLabelValue(std::string_view value, std::string& out);

// A sample value: integers as they are, NaN and the infinities as the format spells them.
std::string FormatValue(double value);

class ExpositionWriter {
 public:
  // type: counter, gauge or histogram; help is escaped (backslash, newline).
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const Labels& labels, double value);
  void Sample(std::string_view name, const Labels& labels, uint64_t value);
  // <name>_bucket{labels..., le} for each bound and +Inf (cumulative), <name>_sum, <name>_count.
  void Histogram(std::string_view name, const Labels& labels, const SecondsHistogram& h);

  const std::string& text() const { return out_; }

 private:
  void SampleStart(std::string_view name, const Labels& labels, std::string_view le = {});

  std::string out_;
};

}  // namespace bx
