// The capture and flags paths of the SDKs over HTTP, into a real embedded store: every path with
// and without its slash, GET ?data=, form bodies, gzip, lz64, base64, beacons, 413 for a batch
// too large, "no flags" answers, CORS; and hostile requests, none of which may crash or 5xx.

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "server/api_server.h"
#include "server/capture_decode.h"
#include "testing/fake_batch_export_service.h"
#include "testing/gzip.h"
#include "testing/stored_events.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

using nlohmann::json;
using testing::Gzip;

constexpr const char* kToken = "0123456789abcdef-capture-token";

std::string Base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  while (out.size() % 4) out += '=';
  return out;
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Event(const std::string& id, const std::string& via) {
  return json{{"event", "sdk_path"},
              {"distinct_id", "user-" + id},
              {"properties", {{"via", via}, {"text", "ü ✓ +/= & ?"}}}}
      .dump();
}

class CaptureHttpTest : public ::testing::Test {
 protected:
  void Start(ApiServerOptions options) {
    options.port = 0;
    options.api_token = kToken;
    options.event_store = store();
    options.max_api_body_bytes = 64 * 1024;
    options.max_capture_body_bytes = 512 * 1024;
    options.capture.max_events = max_events_;
    server_ = std::make_unique<ApiServer>(service_, std::move(options));
    server_->Start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void SetUp() override { Start({}); }
  void TearDown() override { server_->Stop(); }

  std::filesystem::path store() const { return dir_.path() / "events.db"; }

  json Expect(const httplib::Result& r, int status) {
    EXPECT_TRUE(r) << "no response";
    if (!r) return json();
    EXPECT_EQ(r->status, status) << r->body;
    return r->body.empty() ? json() : json::parse(r->body, nullptr, false);
  }

  size_t max_events_ = 100;
  testing::TempDir dir_;
  testing::FakeBatchExportService service_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(CaptureHttpTest, EverySdkPathAndEncodingStoresTheEvent) {
  std::vector<std::string> vias;
  auto sent = [&](const httplib::Result& r, const std::string& via) {
    const json body = Expect(r, 200);
    EXPECT_EQ(body["status"], 1) << via;
    EXPECT_EQ(body["accepted"], 1) << via;
    vias.push_back(via);
  };
  for (const std::string base : {"/capture", "/batch", "/e", "/i/v0/e", "/track", "/engage"}) {
    for (const std::string& path : {base, base + "/"}) {
      const std::string id = std::to_string(vias.size());
      sent(client_->Post(path, Event(id, "json " + path), "application/json"), "json " + path);
    }
  }
  // posthog-js: gzip-js body with its query parameters (ip, _, ver).
  sent(client_->Post("/e/?ip=1&_=1705312800000&ver=1.100.0&compression=gzip-js",
                     Gzip(Event("g", "gzip-js")), "text/plain"),
       "gzip-js");
  // posthog-python and posthog-js-lite: Content-Encoding: gzip.
  sent(client_->Post("/batch/", {{"Content-Encoding", "gzip"}},
                     Gzip(Event("h", "content-encoding")), "application/json"),
       "content-encoding");
  // posthog-js compression=base64 and old snippets: a form field data=<base64>.
  sent(client_->Post("/e/?compression=base64",
                     "data=" + UrlEncode(Base64(Event("b", "form base64"))),
                     "application/x-www-form-urlencoded"),
       "form base64");
  // The same with '+' left unescaped (it reads as a space).
  sent(client_->Post("/track/", "data=" + Base64(Event("p", "form raw base64")),
                     "application/x-www-form-urlencoded"),
       "form raw base64");
  // GET with ?data=<base64> (image-pixel captures).
  sent(client_->Get("/capture/?data=" + UrlEncode(Base64(Event("q", "get capture"))) + "&ver=1"),
       "get capture");
  sent(client_->Get("/e/?data=" + UrlEncode(Base64(Event("r", "get e"))) + "&_=1"), "get e");
  sent(client_->Get("/i/v0/e/?data=" + UrlEncode(Event("s", "get json"))), "get json");

  EXPECT_EQ(testing::CountStoredEvents(store()), static_cast<int64_t>(vias.size()));
  for (const auto& [uuid, e] : testing::StoredEventsByUuid(store())) {
    const json props = json::parse(e.properties);
    EXPECT_EQ(props["text"], "ü ✓ +/= & ?") << props["via"];
    EXPECT_NE(std::find(vias.begin(), vias.end(), props["via"].get<std::string>()), vias.end());
  }
}

TEST_F(CaptureHttpTest, Lz64FormAsPosthogNodeSendsIt) {
  // From the npm lz-string vectors: a JSON batch.
  std::ifstream in(std::string(BX_SOURCE_DIR) + "/src/server/testdata/lz64_vectors.json");
  std::stringstream text;
  text << in.rdbuf();
  std::string lz64;
  const json vectors = json::parse(text.str())["vectors"];
  for (const json& v : vectors) {
    if (DecodeBase64(v["utf8_base64"].get<std::string>())->rfind("{\"batch\"", 0) == 0)
      lz64 = v["lz64"];
  }
  ASSERT_FALSE(lz64.empty());
  server_->Stop();
  max_events_ = 1000;
  Start({});
  const json r = Expect(client_->Post("/e/?ip=1&_=1705312800000&v=4.18.0",
                                      "data=" + UrlEncode(lz64) + "&compression=lz64",
                                      "application/x-www-form-urlencoded"),
                        200);
  EXPECT_EQ(r["accepted"], 300);
  EXPECT_EQ(testing::CountStoredEvents(store(), "json_extract(properties, '$.n') = 299"), 1);
}

TEST_F(CaptureHttpTest, BeaconsGetNoContent) {
  const auto r = client_->Post("/e/?beacon=1", Event("1", "beacon"), "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(testing::CountStoredEvents(store()), 1);
}

TEST_F(CaptureHttpTest, TooLargeIs413SoSdksShrinkTheBatch) {
  json batch = json::array();
  for (int i = 0; i < 101; ++i) batch.push_back(json::parse(Event(std::to_string(i), "big")));
  const json body = json{{"api_key", "k"}, {"batch", batch}};
  const json e = Expect(client_->Post("/batch/", body.dump(), "application/json"), 413);
  EXPECT_EQ(e["type"], "PayloadTooLarge");
  EXPECT_NE(e["detail"].get<std::string>().find("101 events, more than the limit of 100"),
            std::string::npos);
  batch.erase(batch.begin());
  Expect(client_->Post("/batch/", json{{"batch", batch}}.dump(), "application/json"), 200);
  // A body over the byte limit, plain and as a form field.
  const std::string big(600 * 1024, 'A');
  EXPECT_EQ(Expect(client_->Post("/e/", big, "text/plain"), 413)["type"], "PayloadTooLarge");
  Expect(client_->Post("/e/", "data=" + big, "application/x-www-form-urlencoded"), 413);
  EXPECT_EQ(testing::CountStoredEvents(store()), 100);
}

TEST_F(CaptureHttpTest, FlagsAndDecideAnswerNoFlags) {
  const std::string who = R"({"token": "phc_x", "distinct_id": "u1", "groups": {}})";
  for (const std::string path :
       {"/flags/?v=2", "/flags?v=2", "/decide/?v=4", "/decide/?v=3", "/decide?v=2"}) {
    const json body = Expect(client_->Post(path, who, "application/json"), 200);
    EXPECT_EQ(body["flags"], json::object()) << path;
    EXPECT_EQ(body["featureFlags"], json::object()) << path;
    EXPECT_EQ(body["featureFlagPayloads"], json::object()) << path;
    EXPECT_EQ(body["errorsWhileComputingFlags"], false) << path;
    EXPECT_EQ(body["requestId"].get<std::string>().size(), 36u) << path;
  }
  // posthog-js's form body (data=<base64>) and a GET; v1 lists no keys.
  EXPECT_EQ(Expect(client_->Post("/decide/?v=3&ip=1&_=1&ver=1.2", "data=" + Base64(who),
                                 "application/x-www-form-urlencoded"),
                   200)["featureFlags"],
            json::object());
  EXPECT_EQ(Expect(client_->Get("/decide/"), 200)["featureFlags"], json::array());
  EXPECT_EQ(Expect(client_->Get("/flags/?v=2&config=true"), 200)["sessionRecording"], false);
  // Other methods: 405 with Allow, not 404.
  const auto put = client_->Put("/flags/", who, "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  EXPECT_EQ(put->get_header_value("Allow"), "GET, POST, OPTIONS");
  Expect(client_->Delete("/e/"), 405);
  EXPECT_EQ(testing::CountStoredEvents(store()), 0);  // flags calls store nothing
}

TEST_F(CaptureHttpTest, CorsForBrowserSdksByDefaultNeverForTheApi) {
  const httplib::Headers origin = {{"Origin", "https://shop.example"}};
  httplib::Headers preflight = origin;
  preflight.emplace("Access-Control-Request-Method", "POST");
  preflight.emplace("Access-Control-Request-Headers", "content-type");
  for (const char* path : {"/e/", "/i/v0/e/", "/batch", "/flags/", "/decide/"}) {
    const auto r = client_->Options(path, preflight);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204) << path;
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "https://shop.example");
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Methods"), "GET, POST, OPTIONS");
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Headers"), "content-type");
  }
  // The answers themselves, errors included (a browser SDK must read a 413 to shrink).
  const auto ok = client_->Post("/e/", origin, Event("1", "cors"), "text/plain");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->get_header_value("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(ok->get_header_value("Vary"), "Origin");
  const auto too_large = client_->Post("/e/", origin, std::string(600 * 1024, 'A'), "text/plain");
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  EXPECT_EQ(too_large->get_header_value("Access-Control-Allow-Origin"), "https://shop.example");

  // The API: no browser origin unless configured.
  const auto api_preflight = client_->Options("/api/batch_exports", preflight);
  ASSERT_TRUE(api_preflight);
  EXPECT_EQ(api_preflight->status, 403);
  EXPECT_NE(api_preflight->body.find("--api-cors-origins"), std::string::npos);
  EXPECT_FALSE(api_preflight->has_header("Access-Control-Allow-Origin"));
  httplib::Headers api_headers = origin;
  api_headers.emplace("Authorization", std::string("Bearer ") + kToken);
  const auto api = client_->Get("/api/batch_exports", api_headers);
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
  EXPECT_FALSE(api->has_header("Access-Control-Allow-Origin"));

  // Not a browser preflight, or nothing there.
  const auto plain = client_->Options("/e/");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 204);
  EXPECT_EQ(plain->get_header_value("Allow"), "GET, POST, OPTIONS");
  Expect(client_->Options("/nothing", preflight), 404);
}

TEST_F(CaptureHttpTest, ConfiguredOrigins) {
  server_->Stop();
  ApiServerOptions options;
  options.ingest_cors = ParseCorsOrigins("https://shop.example", "--cors-origins");
  options.api_cors = ParseCorsOrigins("https://admin.example", "--api-cors-origins");
  Start(std::move(options));

  auto preflight = [&](const std::string& path, const std::string& origin) {
    return client_->Options(path, {{"Origin", origin},
                                   {"Access-Control-Request-Method", "POST"},
                                   {"Access-Control-Request-Headers", "authorization"}});
  };
  EXPECT_EQ(preflight("/e/", "https://shop.example")->status, 204);
  const auto refused = preflight("/e/", "https://other.example");
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("--cors-origins"), std::string::npos) << refused->body;
  const auto api = preflight("/api/batch_exports/x", "https://admin.example");
  EXPECT_EQ(api->status, 204);
  EXPECT_EQ(api->get_header_value("Access-Control-Allow-Origin"), "https://admin.example");
  EXPECT_EQ(api->get_header_value("Access-Control-Allow-Methods"),
            "GET, POST, PATCH, PUT, DELETE, OPTIONS");
  EXPECT_EQ(api->get_header_value("Access-Control-Allow-Headers"), "authorization");
  EXPECT_FALSE(api->has_header("Access-Control-Allow-Credentials"));
  EXPECT_EQ(preflight("/api/batch_exports", "https://shop.example")->status, 403);

  // A request from another origin is answered (CORS is the browser's check) without the header.
  const auto other = client_->Post("/e/", {{"Origin", "https://other.example"}},
                                   Event("1", "other origin"), "text/plain");
  EXPECT_EQ(other->status, 200);
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  const auto api_get = client_->Get(
      "/api/batch_exports",
      {{"Origin", "https://admin.example"}, {"Authorization", std::string("Bearer ") + kToken}});
  EXPECT_EQ(api_get->status, 200);
  EXPECT_EQ(api_get->get_header_value("Access-Control-Allow-Origin"), "https://admin.example");
}

TEST_F(CaptureHttpTest, HostileRequestsAreRefusedNeverCrash) {
  Expect(client_->Get("/capture/?data=!!!notbase64!!!"), 400);
  Expect(client_->Get("/e/"), 400);  // no data at all
  Expect(client_->Post("/e/", "data=%zz", "application/x-www-form-urlencoded"), 400);
  const std::string gz = Gzip(Event("1", "truncated"));
  Expect(client_->Post("/e/?compression=gzip-js", gz.substr(0, gz.size() - 9), "text/plain"), 400);
  Expect(client_->Post("/batch/", {{"Content-Encoding", "gzip"}}, gz.substr(0, 15),
                       "application/json"),
         400);
  // A JSON bomb in every wrapper: 413 at the limit.
  const std::string bomb = Gzip("[" + std::string(8 << 20, ' ') + "]");
  Expect(client_->Post("/e/?compression=gzip-js", bomb, "text/plain"), 413);
  Expect(
      client_->Post("/e/", "data=" + UrlEncode(Base64(bomb)), "application/x-www-form-urlencoded"),
      413);
  // Nesting past the one JSON depth limit, in base64 and gzip.
  const std::string deep = std::string(600, '[') + std::string(600, ']');
  EXPECT_NE(Expect(client_->Get("/e/?data=" + UrlEncode(Base64(deep))), 400)["detail"]
                .get<std::string>()
                .find("deep"),
            std::string::npos);
  Expect(client_->Post("/batch", Gzip(deep), "text/plain"), 400);
  // A data= parameter past the URI limit: refused by the HTTP layer (414), the server lives on.
  const auto huge = client_->Get("/e/?data=" + std::string(100 * 1024, 'A'));
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 414);
  // Random bytes on every path and wrapper: 2xx or 4xx, never 5xx or a dropped connection.
  std::mt19937 rng(11);
  for (int i = 0; i < 300; ++i) {
    std::string junk(rng() % 400, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    const std::string wrap[] = {junk, "data=" + junk,
                                "data=" + UrlEncode(junk) + "&compression=lz64", "\x1f\x8b" + junk};
    const auto r = client_->Post(i % 2 ? "/e/?compression=lz64" : "/batch/", wrap[i % 4],
                                 "application/x-www-form-urlencoded");
    ASSERT_TRUE(r) << i;
    EXPECT_LT(r->status, 500) << i << " " << r->body;
  }
  Expect(client_->Get("/healthz"), 200);
}

}  // namespace
}  // namespace bx
