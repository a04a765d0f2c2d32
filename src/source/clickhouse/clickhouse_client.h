#pragma once
// ClickHouse's HTTP interface: a statement is the body of a POST; the user and password go in
// the X-ClickHouse-User / X-ClickHouse-Key headers (never in the URL, which servers log); each
// query has our query_id, so a run that stops can KILL the query it started.
//
// Errors become bx::Error: a refused connection, a 5xx without a known code, and the codes of
// transient trouble (too many queries, timeouts, network, memory) are retryable; a wrong user
// or password and the codes of a wrong query (unknown table, column, database, function,
// setting, syntax) are not.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/error.h"
#include "io/http_client.h"
#include "source/clickhouse/clickhouse_config.h"

namespace bx {

// The error a ClickHouse error text ("Code: 60, e.displayText() = DB::Exception: ...") and the
// HTTP status it came with stand for.
Error ClickHouseErrorOf(long http_status, std::string_view body, const ClickHouseConfig& config);

class ClickHouseClient;

// One query's response body, read on a thread of its own into a bounded queue of chunks, so a
// reader holds a few MiB whatever the result's size. Destroying a stream before its end stops
// the transfer and kills the query on the server.
class ClickHouseStream {
 public:
  // `cancel` (may be null): the run's flag; Next throws CancelledError soon after it is set.
  ClickHouseStream(ClickHouseClient& client, std::string sql, std::string query_id,
                   const std::atomic<bool>* cancel);
  ~ClickHouseStream();
  ClickHouseStream(const ClickHouseStream&) = delete;
  ClickHouseStream& operator=(const ClickHouseStream&) = delete;

  // Replaces `chunk` with the next part of the body; false at its end. Throws the transfer's
  // error (bx::Error) once the chunks before it are taken.
  bool Next(std::string& chunk);
  const std::string& query_id() const { return query_id_; }

 private:
  void Run(std::string sql);
  bool Push(std::string_view data);  // on the transfer's thread; false once cancelled

  static constexpr size_t kChunkBytes = 256 << 10;
  static constexpr size_t kMaxQueuedChunks = 8;

  ClickHouseClient& client_;
  std::string query_id_;
  const std::atomic<bool>* run_cancel_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  std::string filling_;
  bool finished_ = false;  // the transfer ended (chunks_ may still hold data)
  bool drained_ = false;   // the reader saw the end
  std::exception_ptr error_;
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

class ClickHouseClient {
 public:
  explicit ClickHouseClient(ClickHouseConfig config);

  // Runs a statement and returns its whole response (a small result, or nothing).
  std::string Execute(const std::string& sql);
  // Runs a query and streams its response; `cancel` as ClickHouseStream's.
  std::unique_ptr<ClickHouseStream> Stream(const std::string& sql,
                                           const std::atomic<bool>* cancel = nullptr);
  // Kills the query `query_id` and waits for it to stop. Errors are logged, not thrown: this
  // runs while a run is already ending.
  void Kill(const std::string& query_id);
  // The server's version() ("18.16.1", "24.3.2.23"), asked once.
  const std::string& Version();

  const ClickHouseConfig& config() const { return config_; }

 private:
  friend class ClickHouseStream;
  HttpRequest Request(const std::string& sql, const std::string& query_id) const;
  // Sends a request; throws the bx::Error for a transport failure or a non-2xx status.
  HttpResponse Send(HttpRequest& request);

  ClickHouseConfig config_;
  HttpClient http_;
  std::mutex version_mu_;
  std::string version_;
};

// A query id no other query has: "bx-" and 32 random hex digits.
std::string NewQueryId();

}  // namespace bx
