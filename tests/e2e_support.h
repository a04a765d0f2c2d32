#pragma once
// Helpers for end-to-end tests: run the built binary, read what it wrote, decompress with the
// standard command-line tools (independent of our own codecs).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>
#include <sqlite3.h>
#include <sys/wait.h>

namespace bx::e2e {

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline CommandResult RunShell(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

inline CommandResult RunBinary(const std::vector<std::string>& args) {
  std::string cmd = ShellQuote(BX_BINARY);
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  return RunShell(cmd);
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Relative path -> size of every regular file under `root`.
inline std::map<std::string, uint64_t> ListFiles(const std::filesystem::path& root) {
  std::map<std::string, uint64_t> out;
  if (!std::filesystem::exists(root)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file())
      out[std::filesystem::relative(e.path(), root).string()] = e.file_size();
  }
  return out;
}

// Decompresses with the codec's own CLI tool, chosen by extension.
inline std::string Decompress(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  std::string tool;
  if (ext == ".gz")
    tool = "gzip -dc";
  else if (ext == ".zst")
    tool = "zstd -dc";
  else if (ext == ".br")
    tool = "brotli -dc";
  else if (ext == ".lz4")
    tool = "lz4 -dc";
  else
    return ReadFile(p);
  const CommandResult r = RunShell(tool + " " + ShellQuote(p.string()) + " 2>/dev/null");
  return r.status == 0 ? r.output : "<" + tool + " failed>";
}

// The string field `key` of a JSON line ("" when it is missing or not a string), read with
// simdjson: a library, so uninstrumented under the sanitizers, where a DOM per line built by
// header code compiled into the test at -O0 costs minutes over a day of events.
inline std::string JsonStringField(const std::string& line, const char* key) {
  static thread_local simdjson::dom::parser parser;
  std::string_view value;
  if (parser.parse(line)[key].get(value) != simdjson::SUCCESS) return "";
  return std::string(value);
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Every uuid in an embedded store's events table: what an export must contain exactly once.
inline std::multiset<std::string> StoreUuids(const std::filesystem::path& store) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT uuid FROM events", -1, &stmt, nullptr);
  std::multiset<std::string> out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace bx::e2e
