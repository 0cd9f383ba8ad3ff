#include "server/outbound/http_get.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace ankang::server {

std::optional<std::string> HttpGet(const std::string& url, int timeout_ms, std::string* error) {
  // curl (a Debian package in scripts/deps.sh), spawned without a shell: Pistache
  // 0.0.5's client terminates the process on a refused connection (epoll_ctl on a
  // closed fd in its reactor thread), and a key-list fetch must never take the server down.
  if ((url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) || url.size() > 500) {
    *error = "the key-list URL must be http:// or https://";
    return std::nullopt;
  }
  const std::string secs = std::to_string(std::max(1, timeout_ms / 1000));
  std::vector<std::string> args = {
      "curl",   "--silent", "--show-error", "--fail",       "--max-time", secs, "--max-filesize",
      "262144", "--proto",  "=http,https",  "--max-redirs", "0",          "--", url};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    *error = "pipe failed";
    return std::nullopt;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "curl", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    *error = "curl is not installed";
    return std::nullopt;
  }
  std::string body;
  char buf[4096];
  for (;;) {
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    body.append(buf, static_cast<size_t>(n));
    if (body.size() > 262144) break;
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    *error = code == 7    ? "cannot reach " + url
             : code == 28 ? "timed out"
             : code == 22 ? "the server answered with an error"
                          : "fetch failed (curl exit " + std::to_string(code) + ")";
    return std::nullopt;
  }
  return body;
}

}  // namespace ankang::server
