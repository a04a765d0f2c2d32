#pragma once
// The built `batch-export` as a child process of an end-to-end test (serve, worker): stdout and
// stderr appended to files named after it, killed with SIGKILL (a crash) or stopped with SIGTERM.

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

class ChildProcess {
 public:
  // `args` follow `batch-export --log-level info`.
  ChildProcess(const std::filesystem::path& log_dir, const std::string& name,
               std::vector<std::string> args)
      : out_(log_dir / (name + ".stdout")), err_(log_dir / (name + ".stderr")) {
    std::vector<std::string> argv = {BX_BINARY, "--log-level", "info"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // Appended: a process started again after a kill keeps its earlier lines.
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ChildProcess() {
    if (Alive()) Kill();
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string Stdout() const { return ReadFile(out_); }
  std::string Stderr() const { return ReadFile(err_); }

  bool Alive() {
    if (pid_ <= 0 || exited_) return false;
    int raw = 0;
    if (::waitpid(pid_, &raw, WNOHANG) == pid_) exited_ = true;
    return !exited_;
  }

  // kill -9: no shutdown, no hand-back; its runs wait for their leases to expire.
  void Kill() {
    if (!Alive()) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    exited_ = true;
  }

  // SIGTERM; the exit status, or -1 when it did not exit in time.
  int Terminate(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    if (!Alive()) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int raw = 0;
      if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

}  // namespace bx::e2e
