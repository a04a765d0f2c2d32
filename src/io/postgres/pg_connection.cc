#include "io/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <fmt/format.h>
#include <cstdlib>

#include "base/error.h"

namespace bx::pg {
namespace {

// Connection loss, server shutdown, too many connections, serialization or deadlock aborts:
// another attempt may succeed.
bool RetryableState(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate == "53300" ||
         sqlstate == "40001" || sqlstate == "40P01";
}

std::string FirstLine(const char* text) {
  std::string s = text ? text : "";
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

// libpq gives no SQLSTATE for a failed connection: these refusals are in its message.
bool PermanentConnectFailure(const std::string& message) {
  for (const char* refusal :
       {"password authentication failed", "does not exist", "no pg_hba.conf entry",
        "authentication method", "invalid sslmode", "invalid connection option",
        "SSL is not enabled on the server", "server does not support SSL", "certificate"}) {
    if (message.find(refusal) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Params& Params::Add(double v) {
  values_.emplace_back(fmt::format("{:.17g}", v));
  return *this;
}

Result::~Result() {
  if (r_) PQclear(r_);
}

int Result::rows() const { return PQntuples(r_); }

int64_t Result::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

bool Result::IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }

std::string Result::Text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
}

int64_t Result::Int(int row, int col) const {
  return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10);
}

double Result::Double(int row, int col) const {
  return std::strtod(PQgetvalue(r_, row, col), nullptr);
}

bool Result::Bool(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }

std::optional<int64_t> Result::OptionalInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

std::optional<std::string> Result::OptionalText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

Connection::Connection(const std::string& conninfo, ErrorNaming naming)
    : conn_(PQconnectdb(conninfo.c_str())), naming_(std::move(naming)) {
  Connected(RedactConnectionString(conninfo));
}

Connection::Connection(const std::vector<std::pair<std::string, std::string>>& keywords,
                       const std::string& where, ErrorNaming naming)
    : naming_(std::move(naming)) {
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : keywords) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  Connected(where);
}

void Connection::Connected(const std::string& where) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = FirstLine(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(PermanentConnectFailure(message) ? naming_.permanent : ErrorKind::kRetryable,
                naming_.type, fmt::format("cannot connect to {}: {}", where, message));
  }
  // Notices (e.g. "relation already exists, skipping") are not for the service's log.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

Error Connection::PermanentError(const std::string& message) const {
  return Error(naming_.permanent, naming_.type, message);
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

bool Connection::broken() const { return !conn_ || PQstatus(conn_) != CONNECTION_OK; }

bool Connection::ClosedWhileIdle() {
  if (broken()) return true;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  // Nothing to read: still open. Anything to read on an idle connection (this program never
  // LISTENs) is the server's goodbye, FATAL 57P01 and then EOF: the connection is done for.
  return ::poll(&fd, 1, 0) != 0;
}

void Connection::RollbackIfInTransaction() {
  if (broken() || PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

void Connection::Fail(pg_result* r, const std::string& what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  std::string message = FirstLine(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (message.empty()) message = FirstLine(PQerrorMessage(conn_));
  if (r) PQclear(r);
  const bool retryable = broken() || RetryableState(sqlstate);
  throw Error(retryable ? ErrorKind::kRetryable : naming_.permanent, naming_.type,
              fmt::format("PostgreSQL: {}{} ({})", message,
                               sqlstate.empty() ? "" : " [" + sqlstate + "]", what));
}

Result Connection::Exec(const Sql& sql, const Params& params) {
  if (!prepared_.contains(sql.name)) {
    pg_result* r = PQprepare(conn_, sql.name, sql.text, 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Fail(r, std::string("prepare ") + sql.name);
    PQclear(r);
    prepared_.insert(sql.name);
  }
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
  pg_result* r = PQexecPrepared(conn_, sql.name, static_cast<int>(values.size()), values.data(),
                                nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail(r, sql.name);
  return Result(r);
}

void Connection::ExecScript(const std::string& sql) {
  pg_result* r = PQexec(conn_, sql.c_str());
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail(r, "script");
  PQclear(r);
}

Result Connection::ExecText(const std::string& sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
  pg_result* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail(r, "statement");
  return Result(r);
}

void Connection::BeginCopy(const std::string& copy_sql) {
  pg_result* r = PQexec(conn_, copy_sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) Fail(r, "COPY");
  PQclear(r);
}

void Connection::CopyData(std::string_view data) {
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1) {
    Fail(nullptr, "COPY data");
  }
}

int64_t Connection::EndCopy() {
  if (PQputCopyEnd(conn_, nullptr) != 1) Fail(nullptr, "COPY end");
  pg_result* r = PQgetResult(conn_);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    while (pg_result* more = PQgetResult(conn_)) PQclear(more);
    Fail(r, "COPY");
  }
  Result result(r);
  while (pg_result* more = PQgetResult(conn_)) PQclear(more);
  return result.affected();
}

std::string RedactConnectionString(const std::string& conninfo) {
  std::string out = conninfo;
  // URL form: scheme://user:password@host...
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    const size_t user_start = scheme + 3;
    const size_t at = out.find('@', user_start);
    const size_t colon = out.find(':', user_start);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // key=value form, or a URL query parameter.
  for (size_t at = out.find("password="); at != std::string::npos;
       at = out.find("password=", at + 1)) {
    const size_t start = at + 9;
    size_t end = out.find_first_of(" &", start);
    if (end == std::string::npos) end = out.size();
    out.replace(start, end - start, "***");
  }
  return out;
}

}  // namespace bx::pg
