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

std::string Shorten(const std::string& text, size_t max) {
  std::string line;
  size_t chars = 0, last_space = std::string::npos;
  bool cut = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool continuation = (c & 0xC0) == 0x80;
    if (!continuation && chars == max) {
      cut = true;
      break;
    }
    if (c < 0x20 || c == 0x7f) {
      if (!line.empty() && line.back() != ' ') line.push_back(' ');
    } else {
      line.push_back(static_cast<char>(c));
    }
    if (!continuation) ++chars;
    if ((c == ' ' || c < 0x20) && !line.empty()) last_space = line.size() - 1;
  }
  if (!cut) return line;
  if (last_space != std::string::npos && last_space > line.size() / 2) line.resize(last_space);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "...";
}

std::string Cell(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace bx
