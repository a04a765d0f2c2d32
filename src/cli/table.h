#pragma once
// Plain-text output of the CLI client: aligned tables and a progress bar.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bx {

// Columns padded to their widest cell, two spaces apart; "(none)" when there are no rows.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// "[##########----------]  12/168  7%" on one line, redrawn in place with \r.
std::string ProgressBar(uint64_t done, uint64_t total, size_t width = 30);

// A JSON value as table text: strings bare, null as "-", the rest as JSON.
std::string Cell(const nlohmann::json& value);
// `text` on one line and at most `max` characters (UTF-8 aware), cut at a word boundary with
// "..." when longer: a table cell for long messages (the whole text is in --json).
std::string Shorten(const std::string& text, size_t max);

}  // namespace bx
