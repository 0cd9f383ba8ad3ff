#include "server/outbound/http_get.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

namespace ankang::server {
namespace {

constexpr size_t kMaxAnswer = 262144;

bool UrlAllowed(const std::string& url) {
  return (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) && url.size() <= 500;
}

std::string Seconds(int timeout_ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::max(1, timeout_ms) / 1000.0);
  return buf;
}

struct CurlRun {
  bool started = false;
  bool cancelled = false;
  int exit_code = -1;  // curl's exit code; -1 when it did not exit normally
  std::string out;
};

// curl (a Debian package in scripts/deps.sh), spawned without a shell: Pistache
// 0.0.5's client terminates the process on a refused connection (epoll_ctl on a
// closed fd in its reactor thread), and an outside service must never take the
// server down. `input` goes to curl's standard input.
CurlRun RunCurl(std::vector<std::string> args, const std::string& input,
                const std::atomic<bool>* cancel) {
  CurlRun run;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  int in[2];
  if (pipe2(out, O_CLOEXEC) != 0) return run;
  if (pipe2(in, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return run;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "curl", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(in[0]);
  if (rc != 0) {
    close(out[0]);
    close(in[1]);
    return run;
  }
  run.started = true;
  // The bodies are small (< 64 KiB, one pipe buffer): written at once.
  size_t off = 0;
  while (off < input.size()) {
    ssize_t n = write(in[1], input.data() + off, input.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  close(in[1]);
  char buf[4096];
  for (;;) {
    if (cancel != nullptr && cancel->load()) {
      kill(pid, SIGKILL);
      run.cancelled = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int ready = poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.out.append(buf, static_cast<size_t>(n));
    if (run.out.size() > kMaxAnswer) {
      kill(pid, SIGKILL);
      break;
    }
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string CurlError(int code, const std::string& url) {
  return code == 7    ? "cannot reach " + url
         : code == 28 ? "timed out"
         : code == 22 ? "the server answered with an error"
                      : "fetch failed (curl exit " + std::to_string(code) + ")";
}

}  // namespace

std::optional<std::string> HttpGet(const std::string& url, int timeout_ms, std::string* error) {
  if (!UrlAllowed(url)) {
    *error = "the key-list URL must be http:// or https://";
    return std::nullopt;
  }
  CurlRun run = RunCurl({"curl", "--silent", "--show-error", "--fail", "--max-time",
                         Seconds(timeout_ms), "--max-filesize", std::to_string(kMaxAnswer),
                         "--proto", "=http,https", "--max-redirs", "0", "--", url},
                        "", nullptr);
  if (!run.started) {
    *error = "curl is not installed";
    return std::nullopt;
  }
  if (run.exit_code != 0) {
    *error = CurlError(run.exit_code, url);
    return std::nullopt;
  }
  return run.out;
}

bool HttpPostJson(const std::string& url, const std::string& json, int timeout_ms,
                  std::string* error, const std::atomic<bool>* cancel) {
  if (!UrlAllowed(url)) {
    *error = "the URL must be http:// or https://";
    return false;
  }
  CurlRun run = RunCurl(
      {"curl", "--silent", "--show-error", "--max-time", Seconds(timeout_ms), "--proto",
       "=http,https", "--max-redirs", "0", "--output", "/dev/null", "--write-out", "%{http_code}",
       "--header", "Content-Type: application/json", "--data-binary", "@-", "--", url},
      json, cancel);
  if (!run.started) {
    *error = "curl is not installed";
    return false;
  }
  if (run.cancelled) {
    *error = "cancelled";
    return false;
  }
  if (run.exit_code != 0) {
    *error = CurlError(run.exit_code, url);
    return false;
  }
  if (run.out.size() != 3 || run.out[0] != '2') {
    *error = "answered " + run.out;
    return false;
  }
  return true;
}

}  // namespace ankang::server
