#pragma once
// `batch-export serve` started once per test as a real process over a generated day of events,
// with the CLI client pointed at it; on teardown it must exit 0 on SIGTERM with neither the token
// nor the secret in its log.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "serve_process.h"
#include "testing/temp_dir.h"

namespace bx::e2e {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kSecret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRET";

class ServeE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = dir_.path() / "events.db";
    const auto gen = RunBinary({"events", "generate", "--source", store_.string(), "--count",
                                "3000", "--start", "2024-01-01", "--end", "2024-01-02"});
    ASSERT_EQ(gen.status, 0) << gen.output;
    server_ = std::make_unique<e2e::ServeProcess>(
        dir_.path(), std::vector<std::string>{"--data-dir", data_dir().string(), "--source",
                                              store_.string(), "--workers", "2"});
    ASSERT_TRUE(server_->started()) << server_->Stdout() << server_->Stderr();
    token_ = e2e::ReadFile(data_dir() / "api-token");
    while (!token_.empty() && token_.back() == '\n') token_.pop_back();
    ASSERT_EQ(token_.size(), 64u);
  }

  void TearDown() override {
    if (!server_) return;
    EXPECT_EQ(server_->Terminate(), 0) << server_->Stderr();
    const std::string log = server_->Stderr();
    EXPECT_NE(log.find(" http POST /"), std::string::npos) << "requests are logged: " << log;
    EXPECT_EQ(log.find(token_), std::string::npos) << "token in the server log";
    EXPECT_EQ(log.find(kSecret), std::string::npos) << "secret in the server log";
  }

  fs::path data_dir() const { return dir_.path() / "bx"; }

  // The CLI client against this server.
  e2e::CommandResult Cli(std::vector<std::string> args) {
    args.insert(args.end(), {"--url", server_->url(), "--data-dir", data_dir().string()});
    return RunBinary(args);
  }

  json CliJson(std::vector<std::string> args) {
    args.push_back("--json");
    const auto r = Cli(args);
    EXPECT_EQ(r.status, 0) << r.output;
    return json::parse(r.output, nullptr, false);
  }

  fs::path WriteExport(const std::string& name) {
    const json def = {
        {"name", name},
        {"model", "events"},
        {"interval", "hour"},
        {"destination",
         {{"type", "File"},
          {"config", {{"path", (dir_.path() / "out").string()}, {"compression", "gzip"}}}}}};
    const fs::path file = dir_.path() / (name + ".json");
    e2e::WriteFile(file, def.dump());
    return file;
  }

  testing::TempDir dir_;
  fs::path store_;
  std::unique_ptr<e2e::ServeProcess> server_;
  std::string token_;
};

}  // namespace bx::e2e
