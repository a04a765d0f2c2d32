#pragma once
// Object keys of the file-writing destinations, byte-compatible with the reference system
// (a reader of either finds the same keys): prefix + "/" + start + "-" + end + ["-" + n] + "." +
// ext [+ "." + codec].

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/formats.h"
#include "core/intervals.h"

namespace bx {

// Replaces {year} {month} {day} {hour} {minute} {second} (zero-padded, from the interval end)
// and {table} {data_interval_start} {data_interval_end}. A template with an unknown variable or
// a malformed brace is used verbatim, and a warning saying so is appended to `warnings`.
std::string RenderPrefix(std::string_view prefix_template, const Interval& interval,
                         std::string_view table, std::vector<std::string>* warnings);

// prefix + "/" + name without a leading "/", empty segments or "." segments. Throws
// InvalidArgument for a ".." segment: a key may never climb out of its destination.
std::string JoinKey(std::string_view prefix, std::string_view name);

// Throws InvalidArgument naming `field` when a prefix template holds a ".." segment or a control
// character.
void ValidatePrefixTemplate(std::string_view prefix_template, const std::string& field);

// Throws InvalidArgument naming `field` when `value` holds a control character (U+0000 to
// U+001F, U+007F): a name that becomes part of a path or key. The message shows the value with
// such characters escaped as JSON does (a line break as backslash-u-000A), never raw.
void RejectControlCharacters(std::string_view value, const std::string& field);

// What every rendering of a prefix template starts with. `fixed`: the template has no variables
// and `text` is its one rendering (normalized like JoinKey). Otherwise every rendering, after
// JoinKey's normalization, begins with `text` (complete segments end in '/').
struct PrefixStart {
  std::string text;
  bool fixed = true;
};
PrefixStart StaticPrefixStart(std::string_view prefix_template);

struct KeyLayout {
  std::string prefix_template;
  FileFormat format = FileFormat::kJsonLines;
  Compression compression = Compression::kNone;
  bool numbered = false;  // true iff max_file_size_mb is set: "-n" even for a single file
  bool legacy_parquet_extension = false;
};

// The keys of one interval's files and manifest.
class IntervalKeys {
 public:
  IntervalKeys(const KeyLayout& layout, const Interval& interval, std::string_view table,
               std::vector<std::string>* warnings);

  std::string DataKey(size_t file_number) const;
  std::string ManifestKey() const;
  // The prefix the keys share, after rendering ("" for none).
  const std::string& prefix() const { return prefix_; }
  // "start-end": every key of the interval's files begins with prefix + "/" + this.
  const std::string& base_name() const { return base_; }

 private:
  std::string prefix_;
  std::string base_;
  std::string extension_;
  bool numbered_;
};

}  // namespace bx
