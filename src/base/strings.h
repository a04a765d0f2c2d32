#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace bx {

// {"a", "b"}, ", " -> "a, b".
std::string Join(const std::vector<std::string>& parts, std::string_view separator);

// 1204 -> "1,204": counts users read.
std::string FormatCount(uint64_t n);
// 1536 -> "1.5 KiB".
std::string FormatBytes(uint64_t n);

// Length of the valid UTF-8 sequence starting at s[0] (avail > 0 bytes), or 0 when it is not
// valid (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(const unsigned char* s, size_t avail);

// Appends code point `cp` (at most U+10FFFF) to `out` in UTF-8.
void AppendUtf8(uint32_t cp, std::string& out);

// Appends `text` to `out` as the inside of a JSON string (no quotes). Invalid UTF-8 becomes
// U+FFFD and NUL bytes are dropped, so whatever the input, the output is valid JSON.
void AppendJsonEscaped(std::string_view text, std::string& out);
// `text` as a quoted JSON string.
std::string JsonQuote(std::string_view text);

// Text from outside (a server's error message) made fit for one of our messages: valid UTF-8
// (U+FFFD for each invalid byte), control characters as spaces, at most `max_bytes` bytes
// (cut at a character boundary, "..." added).
std::string PrintableText(std::string_view text, size_t max_bytes);

// `text` with every occurrence of each non-empty secret replaced by "***": for messages that
// may quote what we sent (a server echoing a statement that held a key).
std::string MaskSecrets(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace bx
