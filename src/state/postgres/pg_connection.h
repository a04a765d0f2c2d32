#pragma once
// One libpq connection: statements prepared once per connection by name (never SQL built from
// data), parameters and results in text format, errors as bx::Error (type "StateStoreError").
// A lost connection is a retryable error; `broken()` tells the pool to drop it.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace bx::pg {

// A statement: a stable name (prepared under it on each connection) and its SQL.
struct Sql {
  const char* name;
  const char* text;
};

// Positional parameters $1, $2, ... in text format; nullopt is NULL.
class Params {
 public:
  Params& Add(std::string_view v) {
    values_.emplace_back(v);
    return *this;
  }
  Params& Add(const std::string& v) { return Add(std::string_view(v)); }
  Params& Add(const char* v) { return Add(std::string_view(v)); }
  Params& Add(int64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  Params& Add(double v);
  Params& Add(bool v) {
    values_.emplace_back(v ? "t" : "f");
    return *this;
  }
  template <typename T>
  Params& Add(const std::optional<T>& v) {
    if (v) return Add(*v);
    values_.emplace_back(std::nullopt);
    return *this;
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

class Result {
 public:
  explicit Result(pg_result* r) : r_(r) {}
  ~Result();
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&&) = delete;

  int rows() const;
  int64_t affected() const;  // rows an INSERT/UPDATE/DELETE changed
  bool IsNull(int row, int col) const;
  std::string Text(int row, int col) const;
  int64_t Int(int row, int col) const;
  double Double(int row, int col) const;
  bool Bool(int row, int col) const;
  std::optional<int64_t> OptionalInt(int row, int col) const;
  std::optional<std::string> OptionalText(int row, int col) const;

 private:
  pg_result* r_;
};

class Connection {
 public:
  // Connects; throws a retryable bx::Error when the server cannot be reached.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result Exec(const Sql& sql, const Params& params = {});
  // For fixed SQL without parameters (BEGIN, COMMIT, migrations scripts).
  void ExecScript(const std::string& sql);

  // True once the connection failed; the pool then closes it.
  bool broken() const;
  // Checks, without a round trip, whether the server closed the connection while it was idle
  // (a restart): then the caller drops it, and nothing was sent on it yet.
  bool ClosedWhileIdle();
  // After a failed statement inside BEGIN ... COMMIT, so the connection can be reused.
  void RollbackIfInTransaction();

 private:
  [[noreturn]] void Fail(pg_result* r, const std::string& what);
  pg_conn* conn_;
  std::set<std::string> prepared_;
};

// The URL or key=value conninfo with any password replaced by "***", for logs and errors.
std::string RedactConnectionString(const std::string& conninfo);

}  // namespace bx::pg
