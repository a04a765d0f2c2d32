// The HTTP server on a loopback port with a fake service: authentication, every endpoint over
// HTTP, capture into a real embedded store, body limits, and logs that never carry secrets.

#include "server/api_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/log.h"
#include "testing/fake_batch_export_service.h"
#include "testing/gzip.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

using nlohmann::json;

constexpr const char* kToken = "0123456789abcdef-test-token";
constexpr const char* kSecret = "TOPSECRET-aws-key-42";

using testing::Gzip;

// Sends `request` as is on a fresh connection; returns what came back within 5 s.
std::string RawExchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    ssize_t n;
    auto complete = [&] {
      const size_t end = response.find("\r\n\r\n");
      const size_t length_at = response.find("Content-Length: ");
      if (end == std::string::npos || length_at == std::string::npos) return false;
      return response.size() >= end + 4 + std::stoul(response.substr(length_at + 16));
    };
    while (!complete() && (n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
      response.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return response;
}

int64_t CountRows(const std::filesystem::path& db_path, const std::string& where = "1") {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  // Test-only constant SQL with a fixed WHERE chosen by the test itself.
  const std::string sql = "SELECT count(*) FROM events WHERE " + where;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  sqlite3_step(stmt);
  const int64_t n = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_logger_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);

    ApiServerOptions options;
    options.port = 0;
    options.api_token = kToken;
    options.event_store = dir_.path() / "events.db";
    options.max_api_body_bytes = 64 * 1024;
    options.max_capture_body_bytes = 512 * 1024;
    options.now = [] { return Micros{1'705'312'800'000'000}; };
    server_ = std::make_unique<ApiServer>(service_, options);
    server_->Start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_bearer_token_auth(kToken);
  }

  void TearDown() override {
    server_->Stop();
    spdlog::default_logger()->flush();
    const std::string logs = log_.str();
    EXPECT_NE(logs.find(" http POST /"), std::string::npos) << "requests are logged: " << logs;
    EXPECT_EQ(logs.find(kToken), std::string::npos) << logs;
    EXPECT_EQ(logs.find(kSecret), std::string::npos) << logs;
    spdlog::set_default_logger(previous_logger_);
  }

  json Expect(const httplib::Result& r, int status) {
    EXPECT_TRUE(r) << "no response";
    if (!r) return json();
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->body.find(kSecret), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find(kToken), std::string::npos) << r->body;
    return r->body.empty() ? json() : json::parse(r->body);
  }

  testing::TempDir dir_;
  testing::FakeBatchExportService service_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

TEST_F(ApiServerTest, ApiNeedsTheToken) {
  httplib::Client anonymous("127.0.0.1", server_->port());
  json e = Expect(anonymous.Get("/api/batch_exports"), 401);
  EXPECT_EQ(e["type"], "Unauthorized");
  Expect(anonymous.Post("/api/batch_exports", "{}", "application/json"), 401);
  Expect(anonymous.Delete("/api/batch_exports/x"), 401);

  httplib::Client wrong("127.0.0.1", server_->port());
  wrong.set_bearer_token_auth("0123456789abcdef-test-tokex");
  EXPECT_EQ(wrong.Get("/api/batch_exports/x/runs")->get_header_value("WWW-Authenticate"), "Bearer");
  Expect(wrong.Get("/api/batch_exports"), 401);

  // Health, metrics and capture are open.
  EXPECT_EQ(Expect(anonymous.Get("/healthz"), 200)["status"], "ok");
  const auto metrics = anonymous.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("batch_export_queue_depth"), std::string::npos);
  EXPECT_TRUE(service_.calls().empty() || service_.calls() == std::vector<std::string>{"Metrics"});
}

TEST_F(ApiServerTest, EveryEndpointOverHttp) {
  const json body = {{"name", "hourly"},
                     {"model", "events"},
                     {"interval", "hour"},
                     {"destination", {{"type", "File"}, {"config", {{"path", "/tmp/bx-out"}}}}}};
  const json created =
      Expect(client_->Post("/api/batch_exports", body.dump(), "application/json"), 201);
  const std::string id = created["id"];
  const std::string base = "/api/batch_exports/" + id;
  Expect(client_->Get(base), 200);
  Expect(client_->Get("/api/batch_exports?limit=1"), 200);
  EXPECT_EQ(Expect(client_->Patch(base, R"({"name": "n2"})", "application/json"), 200)["name"],
            "n2");
  Expect(client_->Post(base + "/pause", "", "application/json"), 200);
  Expect(client_->Post(base + "/unpause", R"({"backfill": true})", "application/json"), 200);
  Expect(client_->Post(base + "/check", "", "application/json"), 200);

  RunRecord run;
  run.id = "run-1";
  run.export_id = id;
  run.status = RunStatus::kFailed;
  service_.AddRun(run);
  service_.AddLog("run-1", {1, "error", "Failed: boom"});
  EXPECT_EQ(Expect(client_->Get(base + "/runs?status=Failed"), 200)["results"].size(), 1u);
  Expect(client_->Get(base + "/runs/run-1"), 200);
  Expect(client_->Get(base + "/runs/run-1/logs"), 200);
  Expect(client_->Post(base + "/runs/run-1/retry", "", "application/json"), 200);

  const json bf = Expect(
      client_->Post(base + "/backfills", R"({"start_at": "2024-01-01", "end_at": "2024-01-02"})",
                    "application/json"),
      201);
  const std::string bf_id = bf["id"];
  Expect(client_->Get(base + "/backfills"), 200);
  Expect(client_->Get(base + "/backfills/" + bf_id), 200);
  Expect(client_->Post(base + "/backfills/" + bf_id + "/cancel", "", "application/json"), 200);
  Expect(client_->Delete(base), 204);
  Expect(client_->Get(base), 404);

  // The list's next link is a full URL on this server.
  for (int i = 0; i < 3; ++i) {
    Expect(client_->Post("/api/batch_exports", body.dump(), "application/json"), 201);
  }
  const json page = Expect(client_->Get("/api/batch_exports?limit=2"), 200);
  ASSERT_TRUE(page["next"].is_string());
  EXPECT_EQ(page["next"].get<std::string>().rfind(
                "http://127.0.0.1:" + std::to_string(server_->port()) + "/api/batch_exports?", 0),
            0u)
      << page["next"];
}

TEST_F(ApiServerTest, TheWebUiIsServedWithoutATokenAndKeptToItsOwnScripts) {
  httplib::Client browser("127.0.0.1", server_->port());
  const auto page = browser.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<script type=\"module\" src=\"app.js\"></script>"), std::string::npos)
      << page->body;
  EXPECT_EQ(page->body.find("onclick"), std::string::npos);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page->get_header_value("Referrer-Policy"), "no-referrer");

  // Module scripts load only with a JavaScript type.
  for (const char* path : {"/app.js", "/api.js", "/form.js"}) {
    const auto script = browser.Get(path);
    ASSERT_TRUE(script) << path;
    EXPECT_EQ(script->status, 200) << path;
    EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8") << path;
    EXPECT_FALSE(script->get_header_value("Content-Security-Policy").empty()) << path;
  }
  EXPECT_EQ(browser.Get("/style.css")->get_header_value("Content-Type"), "text/css; charset=utf-8");
  const auto head = browser.Head("/");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());

  // Nothing else of the folder, nothing outside it, no other methods.
  for (const char* path : {"/README.md", "/ui.test.mjs", "/../CMakeLists.txt", "/%2e%2e/app.js",
                           "/index.html/", "/ui/app.js", "/app.js%00"}) {
    Expect(browser.Get(path), 404);
  }
  Expect(browser.Post("/app.js", "x", "text/plain"), 404);
  // The page is open; its data is not.
  Expect(browser.Get("/api/batch_export_destination_types"), 401);
}

TEST_F(ApiServerTest, DestinationTypesComeFromTheService) {
  const json types = Expect(client_->Get("/api/batch_export_destination_types"), 200);
  EXPECT_EQ(types["types"][0]["type"], "File");
  EXPECT_EQ(service_.calls().back(), "DestinationTypes");
  Expect(client_->Post("/api/batch_export_destination_types", "{}", "application/json"), 405);
}

TEST_F(ApiServerTest, PostWithoutABodyIsAnsweredAtOnce) {
  // `curl -X POST .../pause` sends neither Content-Length nor Transfer-Encoding.
  const std::string id = Expect(client_->Post("/api/batch_exports",
                                              R"({"name": "n", "interval": "hour",
                                                   "destination": {"type": "File",
                                                                   "config": {"path": "/t"}}})",
                                              "application/json"),
                                201)["id"];
  const auto started = std::chrono::steady_clock::now();
  const std::string response =
      RawExchange(server_->port(), "POST /api/batch_exports/" + id +
                                       "/pause HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                       kToken + "\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  EXPECT_NE(response.find(R"("paused":true)"), std::string::npos) << response;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

// With two Authorization headers the first once decided; the request is refused instead.
TEST_F(ApiServerTest, DuplicateAuthorizationHeadersAre400) {
  const std::string one = "Authorization: Bearer " + std::string(kToken) + "\r\n";
  for (const std::string& headers : {one + "Authorization: Bearer wrong\r\n",
                                     "Authorization: Bearer wrong\r\n" + one, one + one}) {
    const std::string response = RawExchange(
        server_->port(), "GET /api/batch_exports HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
    EXPECT_EQ(response.rfind("HTTP/1.1 400", 0), 0u) << response;
    EXPECT_NE(response.find("more than one Authorization header"), std::string::npos) << response;
  }
  // The scheme is matched case-insensitively, as HTTP defines it.
  const std::string response = RawExchange(
      server_->port(), "GET /api/batch_exports HTTP/1.1\r\nHost: x\r\nAuthorization: bEARER " +
                           std::string(kToken) + "\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  Expect(client_->Post("/capture", R"({"event": "e", "distinct_id": "d"})", "application/json"),
         200);  // TearDown wants a logged POST
}

// A second server on a port in use once started too (SO_REUSEPORT), and the kernel split the
// connections between the two.
TEST_F(ApiServerTest, APortInUseIsAStartupError) {
  ApiServerOptions options;
  options.port = server_->port();
  options.api_token = "another-token";
  ApiServer second(service_, options);
  try {
    second.Start();
    FAIL() << "a second server started on port " << server_->port();
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "ListenError");
    EXPECT_NE(e.message().find("127.0.0.1:" + std::to_string(server_->port())), std::string::npos)
        << e.message();
  }
  Expect(client_->Post("/capture", R"({"event": "e", "distinct_id": "d"})", "application/json"),
         200);
}

// The listen backlog was 5: with 50 concurrent clients about 1 request in 700 was reset.
TEST_F(ApiServerTest, TwoHundredConcurrentClientsGetNoResets) {
  constexpr int kClients = 200, kRequests = 5;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      for (int i = 0; i < kRequests; ++i) {
        // A fresh connection each time: the accept queue is what is under test.
        const std::string response =
            RawExchange(server_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        (response.rfind("HTTP/1.1 200", 0) == 0 ? ok : failed)++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(ok.load(), kClients * kRequests);
  Expect(client_->Post("/capture", R"({"event": "e", "distinct_id": "d"})", "application/json"),
         200);
}

TEST_F(ApiServerTest, SecretsStayOutOfResponsesAndLogs) {
  ExportRecord r;
  r.id = "s3-export";
  r.config = {
      {"name", "s3"},
      {"interval", "hour"},
      {"destination",
       {{"type", "S3"}, {"config", {{"bucket_name", "b"}, {"aws_secret_access_key", kSecret}}}}}};
  service_.AddExportRecord(r);
  Expect(client_->Get("/api/batch_exports/s3-export"), 200);
  Expect(client_->Get("/api/batch_exports"), 200);
  // A secret in a request body (here refused) is not echoed or logged either.
  const json bad = {
      {"name", "x"},
      {"interval", "hour"},
      {"destination", {{"type", "File"}, {"config", {{"path", "/tmp"}, {"password", kSecret}}}}}};
  const json e = Expect(client_->Post("/api/batch_exports", bad.dump(), "application/json"), 400);
  EXPECT_EQ(e["attr"], "destination.config.password");
  // The query string is not logged (it could carry an api_key).
  EXPECT_EQ(Expect(client_->Get(std::string("/api/batch_exports?cursor=") + kSecret), 400)["attr"],
            "cursor");
}

TEST_F(ApiServerTest, ValidationErrorsNameTheFieldOverHttp) {
  const json e = Expect(client_->Post("/api/batch_exports",
                                      R"({"name": "x", "interval": "fortnight",
                                          "destination": {"type": "File", "config": {"path": "/t"}}})",
                                      "application/json"),
                        400);
  EXPECT_EQ(e["type"], "InvalidArgument");
  EXPECT_EQ(e["attr"], "interval");
  EXPECT_NE(e["detail"].get<std::string>().find("fortnight"), std::string::npos);
}

TEST_F(ApiServerTest, BodyLimits) {
  const std::string big(100 * 1024, ' ');
  Expect(client_->Post("/api/batch_exports", "{" + big + "}", "application/json"), 413);
  // A small gzip body that inflates beyond the capture limit.
  const std::string bomb = Gzip("[" + std::string(2 * 1024 * 1024, ' ') + "]");
  ASSERT_LT(bomb.size(), 64 * 1024u);
  httplib::Client capture("127.0.0.1", server_->port());
  Expect(capture.Post("/batch?compression=gzip-js", bomb, "text/plain"), 413);
  httplib::Headers gzip_header = {{"Content-Encoding", "gzip"}};
  Expect(capture.Post("/batch", gzip_header, bomb, "application/json"), 413);
  // Counted by route and status: the query string is no part of the endpoint label.
  EXPECT_NE(
      capture.Get("/metrics")
          ->body.find("batch_export_capture_requests_total{endpoint=\"batch\",code=\"413\"} 2\n"),
      std::string::npos);
}

TEST_F(ApiServerTest, CaptureThousandEventsWithSomeMalformed) {
  httplib::Client capture("127.0.0.1", server_->port());  // no token needed
  size_t accepted = 0, rejected = 0, malformed_sent = 0;
  std::vector<std::pair<size_t, std::string>> reported;
  for (int batch = 0; batch < 10; ++batch) {
    json events = json::array();
    for (int i = 0; i < 100; ++i) {
      const int n = batch * 100 + i;
      json e = {{"event", "$pageview"},
                {"distinct_id", "user-" + std::to_string(n % 37)},
                {"properties", {{"n", n}}},
                {"timestamp", "2024-01-15T09:00:00Z"}};
      if (n % 20 == 7) {
        e.erase("event");
        ++malformed_sent;
      } else if (n % 50 == 13) {
        e["timestamp"] = "not a time";
        ++malformed_sent;
      }
      events.push_back(e);
    }
    const std::string body = json{{"api_key", "phc_x"}, {"batch", events}}.dump();
    auto post = [&]() -> httplib::Result {
      if (batch % 3 == 1) {
        return capture.Post("/batch", {{"Content-Encoding", "gzip"}}, Gzip(body),
                            "application/json");
      }
      if (batch % 3 == 2)
        return capture.Post("/batch?compression=gzip-js", Gzip(body), "text/plain");
      return capture.Post("/capture", body, "application/json");
    };
    const json response = Expect(post(), 200);
    accepted += response["accepted"].get<size_t>();
    for (const json& bad : response["rejected"]) {
      rejected++;
      reported.emplace_back(batch * 100 + bad["index"].get<size_t>(), bad["reason"]);
    }
  }
  EXPECT_EQ(accepted + rejected, 1000u);
  EXPECT_EQ(rejected, malformed_sent);
  for (const auto& [n, reason] : reported) {
    if (n % 20 == 7) {
      EXPECT_EQ(reason.rfind("event:", 0), 0u) << n << " " << reason;
    } else {
      EXPECT_EQ(n % 50, 13u);
      EXPECT_EQ(reason.rfind("timestamp:", 0), 0u) << n << " " << reason;
    }
  }
  const auto store = dir_.path() / "events.db";
  EXPECT_EQ(CountRows(store), static_cast<int64_t>(accepted));
  EXPECT_EQ(CountRows(store, "inserted_at = 1705312800000000 AND created_at = inserted_at"),
            static_cast<int64_t>(accepted));
  EXPECT_EQ(CountRows(store, "timestamp = 1705309200000000"), static_cast<int64_t>(accepted));
  EXPECT_EQ(CountRows(store, "length(uuid) = 36 AND length(person_id) = 36"),
            static_cast<int64_t>(accepted));
  // Malformed ones are not stored: their `n` never appears.
  EXPECT_EQ(CountRows(store, "json_extract(properties, '$.n') % 20 = 7"), 0);

  const auto metrics = capture.Get("/metrics");
  EXPECT_NE(metrics->body.find("batch_export_capture_events_total{result=\"accepted\"} " +
                               std::to_string(accepted) + "\n"),
            std::string::npos);

  // A request where nothing is good is a 400 that still lists the reasons.
  const json none =
      Expect(capture.Post("/capture", R"({"batch": [{"event": "x"}]})", "application/json"), 400);
  EXPECT_EQ(none["accepted"], 0);
  EXPECT_EQ(none["rejected"][0]["index"], 0);
  Expect(capture.Post("/capture", "garbage", "application/json"), 400);
  const std::string text = capture.Get("/metrics")->body;
  for (const char* line :
       {R"(batch_export_capture_requests_total{endpoint="capture",code="200"} 4)",
        R"(batch_export_capture_requests_total{endpoint="batch",code="200"} 6)",
        R"(batch_export_capture_requests_total{endpoint="capture",code="400"} 2)"}) {
    EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace bx
