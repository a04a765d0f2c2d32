#pragma once
// A `batch-export serve` child process for end-to-end tests, started on a free loopback port
// (--listen 127.0.0.1:0; the port is read from its "Listening on" line).

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"

namespace bx::e2e {

class ServeProcess {
 public:
  // `args` follow "serve"; --listen 127.0.0.1:0 is added. Logs go to serve.stdout/.stderr.
  ServeProcess(const std::filesystem::path& log_dir, std::vector<std::string> args)
      : log_start_(SizeOf(log_dir / "serve.stdout")),
        process_(log_dir, "serve", WithListen(std::move(args))) {
    WaitForPort();
  }

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Stdout() const { return process_.Stdout(); }
  std::string Stderr() const { return process_.Stderr(); }
  // SIGTERM, then the exit status (-1 when it did not exit in time).
  int Terminate() { return process_.Terminate(); }

 private:
  static size_t SizeOf(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    return ec ? 0 : static_cast<size_t>(size);
  }

  static std::vector<std::string> WithListen(std::vector<std::string> args) {
    args.insert(args.begin(), {"serve", "--listen", "127.0.0.1:0"});
    return args;
  }

  void WaitForPort() {
    const std::string marker = "Listening on http://127.0.0.1:";
    for (int i = 0; i < 1500 && process_.Alive(); ++i) {
      const std::string out = Stdout();
      const size_t at = out.find(marker, log_start_);  // the log is appended to
      if (at != std::string::npos) {
        port_ = std::atoi(out.c_str() + at + marker.size());
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  size_t log_start_;  // where this process's lines begin in serve.stdout
  ChildProcess process_;
  int port_ = 0;
};

}  // namespace bx::e2e
