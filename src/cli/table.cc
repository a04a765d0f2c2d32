#include "cli/table.h"

#include <algorithm>

#include <fmt/format.h>

namespace bx {

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) {
    fmt::print("(none)\n");
    return;
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) {
      if (c < row.size()) width[c] = std::max(width[c], row[c].size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < header.size(); ++c) {
      const std::string& cell = c < row.size() ? row[c] : "";
      line += c + 1 == header.size() ? cell : fmt::format("{:<{}}  ", cell, width[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

std::string ProgressBar(uint64_t done, uint64_t total, size_t width) {
  const double fraction = total ? std::min(1.0, static_cast<double>(done) / total) : 1.0;
  const size_t filled = static_cast<size_t>(fraction * width);
  return fmt::format("[{}{}]  {}/{}  {:.0f}%", std::string(filled, '#'),
                     std::string(width - filled, '-'), done, total, fraction * 100);
}

std::string Cell(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace bx
