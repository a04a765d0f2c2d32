#pragma once
// A `batch-export serve` child process for end-to-end tests: started on a free loopback port
// (--listen 127.0.0.1:0; the port is read from its "Listening on" line), stdout and stderr in
// separate files, stopped with SIGTERM.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "e2e_support.h"

namespace bx::e2e {

class ServeProcess {
 public:
  // `args` follow "serve"; --listen 127.0.0.1:0 is added.
  ServeProcess(const std::filesystem::path& log_dir, std::vector<std::string> args)
      : stdout_path_(log_dir / "serve.stdout"), stderr_path_(log_dir / "serve.stderr") {
    std::vector<std::string> argv = {BX_BINARY, "--log-level", "info",
                                     "serve",   "--listen",    "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    WaitForPort();
  }

  ~ServeProcess() {
    if (pid_ > 0 && exit_status_ == -2) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Stdout() const { return ReadFile(stdout_path_); }
  std::string Stderr() const { return ReadFile(stderr_path_); }

  // SIGTERM, then the exit status (-1 when it did not exit within `timeout`).
  int Terminate(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int raw = 0;
      if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
        exit_status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        return exit_status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  void WaitForPort() {
    const std::string marker = "Listening on http://127.0.0.1:";
    for (int i = 0; i < 1500 && pid_ > 0; ++i) {
      const std::string out = Stdout();
      const size_t at = out.find(marker);
      if (at != std::string::npos) {
        port_ = std::atoi(out.c_str() + at + marker.size());
        return;
      }
      int raw = 0;
      if (::waitpid(pid_, &raw, WNOHANG) == pid_) {  // exited at start
        exit_status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::filesystem::path stdout_path_, stderr_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -2;  // -2: still running
};

}  // namespace bx::e2e
