#pragma once
// One libpq connection: statements prepared once per connection by name (never SQL built from
// data), parameters and results in text format, COPY ... FROM STDIN, errors as bx::Error of the
// type its user names ("StateStoreError", "PostgresError"). A lost connection, a server
// shutting down, too many connections, a serialization failure or a deadlock are retryable;
// `broken()` tells a pool to drop it.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

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

// How a connection's errors are named: their type, and the kind of the ones another attempt
// would not mend (a wrong password, a missing table, bad SQL).
struct ErrorNaming {
  std::string type = "StateStoreError";
  ErrorKind permanent = ErrorKind::kInternal;
};

class Connection {
 public:
  // Connects; throws a retryable bx::Error when the server cannot be reached, a permanent one
  // when it refuses the credentials or the database.
  explicit Connection(const std::string& conninfo, ErrorNaming naming = {});
  // The same from libpq keywords ("host", "port", "dbname", "user", "password", "sslmode", ...):
  // no conninfo string to quote. `where` names the server in messages (never the password).
  Connection(const std::vector<std::pair<std::string, std::string>>& keywords,
             const std::string& where, ErrorNaming naming);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result Exec(const Sql& sql, const Params& params = {});
  // For fixed SQL without parameters (BEGIN, COMMIT, migrations scripts).
  void ExecScript(const std::string& sql);
  // SQL made by the caller from quoted identifiers, run once unprepared; returns its rows.
  Result ExecText(const std::string& sql, const Params& params = {});

  // COPY ... FROM STDIN: BeginCopy(the COPY statement), CopyData as often as needed, EndCopy
  // (returns the rows copied). A failure ends the copy and throws.
  void BeginCopy(const std::string& copy_sql);
  void CopyData(std::string_view data);
  int64_t EndCopy();

  // The error this connection raises for `message` (a check of the caller's).
  Error PermanentError(const std::string& message) const;

  // True once the connection failed; the pool then closes it.
  bool broken() const;
  // Checks, without a round trip, whether the server closed the connection while it was idle
  // (a restart): then the caller drops it, and nothing was sent on it yet.
  bool ClosedWhileIdle();
  // After a failed statement inside BEGIN ... COMMIT, so the connection can be reused.
  void RollbackIfInTransaction();

 private:
  [[noreturn]] void Fail(pg_result* r, const std::string& what);
  void Connected(const std::string& where);
  pg_conn* conn_;
  ErrorNaming naming_;
  std::set<std::string> prepared_;
};

// The URL or key=value conninfo with any password replaced by "***", for logs and errors.
std::string RedactConnectionString(const std::string& conninfo);

}  // namespace bx::pg
