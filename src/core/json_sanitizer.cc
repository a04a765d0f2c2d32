#include "core/json_sanitizer.h"

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/strings.h"

namespace bx {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The value of the 4 hex digits at `p`, or -1 when one is not a hex digit.
int32_t Hex4(const char* p) {
  int32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    int32_t digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return -1;
    }
    value = value << 4 | digit;
  }
  return value;
}

bool IsHighSurrogate(int32_t cp) { return cp >= 0xD800 && cp <= 0xDBFF; }
bool IsLowSurrogate(int32_t cp) { return cp >= 0xDC00 && cp <= 0xDFFF; }

enum class UnicodeEscape { kKeep, kNul, kLoneSurrogate, kMalformed };

struct UnicodeEscapeInfo {
  UnicodeEscape kind;
  size_t length;  // bytes it spans: 6, or 12 for a surrogate pair
};

// Classifies the `\uXXXX` escape at `p` (p[0] == '\\', p[1] == 'u'); a high surrogate takes the
// low surrogate escape right after it along, when there is one.
UnicodeEscapeInfo ClassifyUnicodeEscape(const char* p, const char* end) {
  if (end - p < 6) return {UnicodeEscape::kMalformed, 0};
  const int32_t cp = Hex4(p + 2);
  if (cp < 0) return {UnicodeEscape::kMalformed, 0};
  if (cp == 0) return {UnicodeEscape::kNul, 6};
  if (IsLowSurrogate(cp)) return {UnicodeEscape::kLoneSurrogate, 6};
  if (!IsHighSurrogate(cp)) return {UnicodeEscape::kKeep, 6};
  if (end - p >= 12 && p[6] == '\\' && p[7] == 'u' && IsLowSurrogate(Hex4(p + 8))) {
    return {UnicodeEscape::kKeep, 12};
  }
  return {UnicodeEscape::kLoneSurrogate, 6};
}

// The fast path's extra checks, for text simdjson accepts (it takes lone surrogate and \u0000
// escapes): no line break, and no \u escape that needs repair.
bool NeedsNoRepair(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (std::memchr(p, '\n', text.size()) || std::memchr(p, '\r', text.size())) return false;
  while ((p = static_cast<const char*>(std::memchr(p, '\\', end - p))) != nullptr) {
    if (end - p < 2) return false;
    if (p[1] != 'u') {
      p += 2;  // skips the escaped character, which may be a backslash
      continue;
    }
    const UnicodeEscapeInfo escape = ClassifyUnicodeEscape(p, end);
    if (escape.kind != UnicodeEscape::kKeep) return false;
    p += escape.length;
  }
  return true;
}

// Bytes that end a run of string content handed to AppendJsonEscaped: the closing quote, an
// escape, or a raw control character. NUL is not one: AppendJsonEscaped drops it.
constexpr std::array<bool, 256> kStringRunEnd = [] {
  std::array<bool, 256> table{};
  for (int c = 1; c < 0x20; ++c) table[c] = true;
  table['"'] = true;
  table['\\'] = true;
  return table;
}();

// Re-writes JSON compactly, strict on structure and lenient on bytes: invalid UTF-8 becomes
// U+FFFD, lone surrogate escapes become \ufffd, NUL (raw or \u0000) is dropped. Iterative, so
// nesting depth is bounded by memory only.
class Rewriter {
 public:
  Rewriter(std::string_view text, std::string& out, std::vector<char>& stack)
      : p_(text.data()), end_(p_ + text.size()), out_(out), stack_(stack) {}

  // False when the text is not JSON; `out` then holds partial output for the caller to discard.
  bool Run();

 private:
  enum class Step { kOpened, kComplete, kFailed };
  enum class Next { kValue, kDone, kFailed };

  Step Value();
  Next AfterValue();
  bool Key();
  bool Scalar();
  bool String();
  bool Escape();
  bool Number();
  bool Literal(std::string_view word);
  bool Digits();
  void SkipSpace();
  bool At(char c) const { return p_ < end_ && *p_ == c; }

  const char* p_;
  const char* end_;
  std::string& out_;
  std::vector<char>& stack_;  // closing bracket of each open container
};

bool Rewriter::Run() {
  stack_.clear();
  if (std::string_view(p_, end_ - p_).starts_with(kUtf8Bom)) p_ += kUtf8Bom.size();
  for (;;) {
    const Step step = Value();
    if (step == Step::kFailed) return false;
    if (step == Step::kOpened) continue;  // its first value comes next
    const Next next = AfterValue();
    if (next != Next::kValue) return next == Next::kDone;
  }
}

// Writes a scalar, an empty container, or the opening of a container up to its first value.
Rewriter::Step Rewriter::Value() {
  SkipSpace();
  if (!At('{') && !At('[')) return Scalar() ? Step::kComplete : Step::kFailed;
  const char close = *p_ == '{' ? '}' : ']';
  out_.push_back(*p_++);
  SkipSpace();
  if (At(close)) {
    out_.push_back(*p_++);
    return Step::kComplete;
  }
  stack_.push_back(close);
  return close == ']' || Key() ? Step::kOpened : Step::kFailed;
}

// Closes the containers that end after a value, up to the next value or the end of the text.
Rewriter::Next Rewriter::AfterValue() {
  for (;;) {
    SkipSpace();
    if (stack_.empty()) return p_ == end_ ? Next::kDone : Next::kFailed;
    if (p_ == end_) return Next::kFailed;
    const char c = *p_++;
    if (c == ',') {
      out_.push_back(',');
      return stack_.back() == ']' || Key() ? Next::kValue : Next::kFailed;
    }
    if (c != stack_.back()) return Next::kFailed;
    out_.push_back(c);
    stack_.pop_back();
  }
}

// An object member's key and colon.
bool Rewriter::Key() {
  SkipSpace();
  if (!At('"') || !String()) return false;
  SkipSpace();
  if (!At(':')) return false;
  out_.push_back(*p_++);
  return true;
}

bool Rewriter::Scalar() {
  if (p_ == end_) return false;
  switch (*p_) {
    case '"':
      return String();
    case 't':
      return Literal("true");
    case 'f':
      return Literal("false");
    case 'n':
      return Literal("null");
    default:
      return Number();
  }
}

bool Rewriter::String() {
  out_.push_back(*p_++);
  for (;;) {
    const char* run = p_;
    while (p_ < end_ && !kStringRunEnd[static_cast<unsigned char>(*p_)]) ++p_;
    AppendJsonEscaped(std::string_view(run, p_ - run), out_);
    if (p_ == end_) return false;
    if (*p_ == '"') {
      out_.push_back(*p_++);
      return true;
    }
    // Choice: a raw control character (other than NUL) in a string makes the value not JSON.
    if (*p_ != '\\' || !Escape()) return false;
  }
}

bool Rewriter::Escape() {
  if (end_ - p_ < 2) return false;
  switch (p_[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      out_.append(p_, 2);
      p_ += 2;
      return true;
    case 'u':
      break;
    default:
      return false;
  }
  const UnicodeEscapeInfo escape = ClassifyUnicodeEscape(p_, end_);
  switch (escape.kind) {
    case UnicodeEscape::kMalformed:
      return false;
    case UnicodeEscape::kKeep:
      out_.append(p_, escape.length);
      break;
    case UnicodeEscape::kLoneSurrogate:
      out_.append("\\ufffd");
      break;
    case UnicodeEscape::kNul:
      break;
  }
  p_ += escape.length;
  return true;
}

// Copies a number as written, after checking it against the JSON grammar.
bool Rewriter::Number() {
  const char* start = p_;
  if (At('-')) ++p_;
  if (At('0')) {
    ++p_;
  } else if (!Digits()) {
    return false;
  }
  if (At('.')) {
    ++p_;
    if (!Digits()) return false;
  }
  if (At('e') || At('E')) {
    ++p_;
    if (At('+') || At('-')) ++p_;
    if (!Digits()) return false;
  }
  out_.append(start, p_ - start);
  return true;
}

bool Rewriter::Literal(std::string_view word) {
  if (!std::string_view(p_, end_ - p_).starts_with(word)) return false;
  out_.append(word);
  p_ += word.size();
  return true;
}

// Skips one or more digits; false when there is none.
bool Rewriter::Digits() {
  const char* start = p_;
  while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  return p_ != start;
}

// Raw NUL counts as whitespace: it is a byte-level defect (C-string padding), not structure.
void Rewriter::SkipSpace() {
  while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t' || *p_ == '\0')) {
    ++p_;
  }
}

}  // namespace

struct JsonSanitizer::State {
  simdjson::dom::parser parser;
  std::vector<char> stack;  // the slow path's open containers
};

JsonSanitizer::JsonSanitizer() : state_(std::make_unique<State>()) {}
JsonSanitizer::~JsonSanitizer() = default;
JsonSanitizer::JsonSanitizer(JsonSanitizer&&) noexcept = default;
JsonSanitizer& JsonSanitizer::operator=(JsonSanitizer&&) noexcept = default;

// simdjson copies into its own padded buffer, reused across calls. An empty view's data() may be
// null, which memchr and memcpy must not see.
bool JsonSanitizer::IsClean(std::string_view text) {
  return !text.empty() && NeedsNoRepair(text) &&
         !state_->parser.parse(text.data(), text.size(), true).error();
}

JsonCleanliness JsonSanitizer::Append(std::string_view text, std::string& out) {
  if (IsClean(text)) {
    out.append(text);
    return JsonCleanliness::kClean;
  }
  const size_t start = out.size();
  if (Rewriter(text, out, state_->stack).Run()) {
    // Valid JSON that simdjson refuses (numbers beyond its range, depth over 1024) comes out
    // unchanged: that is still clean.
    const bool unchanged = std::string_view(out).substr(start) == text;
    return unchanged ? JsonCleanliness::kClean : JsonCleanliness::kRepaired;
  }
  out.resize(start);
  out.push_back('"');
  AppendJsonEscaped(text, out);
  out.push_back('"');
  return JsonCleanliness::kNotJson;
}

}  // namespace bx
