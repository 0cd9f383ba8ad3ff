#include "server/http/connections.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace ankang::server {

namespace {

const char kOverloadedAnswer[] =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Retry-After: 1\r\n"
    "Connection: close\r\n"
    "Content-Length: 86\r\n"
    "\r\n"
    "{\"error\":{\"code\":\"unavailable\",\"message\":\"Too many connections; try again "
    "shortly.\"}}\n";

std::atomic<bool> g_armed{false};
std::atomic<int> g_spare{-1};
std::atomic<uint64_t> g_refusals{0};
std::atomic<int64_t> g_last_log_s{-1000};

int RealAccept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  return static_cast<int>(::syscall(SYS_accept4, fd, addr, len, flags));
}

int OpenSpare() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

void KeepSpare(int fd) {
  int none = -1;
  if (fd >= 0 && !g_spare.compare_exchange_strong(none, fd)) ::close(fd);
}

void LogExhausted(int err) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = g_last_log_s.load();
  if (now - last < 10 || !g_last_log_s.compare_exchange_strong(last, now)) return;
  std::fprintf(stderr,
               "ankang-server: accept: %s; new connections get 503 until descriptors are free "
               "(raise the limit: ulimit -n, or LimitNOFILE= in the systemd unit)\n",
               std::strerror(err));
}

// Out of descriptors: give the spare up to take the waiting client off the
// queue, answer it 503 and close; without a spare, wait before the listener
// tries again.
void BackOff(int listen_fd) {
  const int spare = g_spare.exchange(-1);
  if (spare >= 0) {
    ::close(spare);
    const int client = RealAccept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client >= 0) {
      char sink[4096];
      while (::recv(client, sink, sizeof sink, MSG_DONTWAIT) > 0) {
      }
      ::send(client, kOverloadedAnswer, sizeof kOverloadedAnswer - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(client, SHUT_WR);
      ::close(client);
      g_refusals.fetch_add(1, std::memory_order_relaxed);
    }
    KeepSpare(OpenSpare());
    if (client >= 0) return;
  } else {
    KeepSpare(OpenSpare());
  }
  const struct timespec pause = {0, 100 * 1000 * 1000};
  ::nanosleep(&pause, nullptr);
}

}  // namespace

uint64_t RaiseFileLimit() {
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    struct rlimit want = rl;
    want.rlim_cur = rl.rlim_max == RLIM_INFINITY ? (1u << 20) : rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  return rl.rlim_cur == RLIM_INFINITY ? (1u << 20) : rl.rlim_cur;
}

size_t OpenFileCount() {
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  size_t n = 0;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n > 0 ? n - 1 : 0;  // the directory's own descriptor
}

size_t EffectiveConnectionCap(size_t wanted, uint64_t file_limit, size_t in_use, size_t headroom) {
  headroom = std::min<size_t>(headroom, file_limit / 4);
  if (file_limit <= in_use + headroom + 1) return 1;
  return std::max<size_t>(1, std::min<uint64_t>(wanted, file_limit - in_use - headroom));
}

void InstallAcceptBackoff() {
  if (g_armed.exchange(true)) return;
  KeepSpare(OpenSpare());
}

std::string_view OverloadedAnswer() { return {kOverloadedAnswer, sizeof kOverloadedAnswer - 1}; }

uint64_t AcceptBackoffRefusals() { return g_refusals.load(std::memory_order_relaxed); }

std::shared_ptr<ConnectionCount::Slot> ConnectionCount::Open(
    const std::shared_ptr<ConnectionCount>& c, bool* over_cap) {
  const size_t before = c->open_.fetch_add(1, std::memory_order_relaxed);
  *over_cap = before >= c->cap_.load(std::memory_order_relaxed);
  if (*over_cap) c->refused_.fetch_add(1, std::memory_order_relaxed);
  return std::make_shared<Slot>(c);
}

}  // namespace ankang::server

// Pistache's listener calls accept4() from libc; this definition in the
// executable comes first in symbol lookup, so the listener gets the back-off.
// Until InstallAcceptBackoff() it is plain accept4.
extern "C" int accept4(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict len,
                       int flags) {
  const int r = ankang::server::RealAccept4(fd, addr, len, flags);
  if (r >= 0 || !ankang::server::g_armed.load(std::memory_order_relaxed) ||
      (errno != EMFILE && errno != ENFILE)) {
    return r;
  }
  const int err = errno;
  ankang::server::LogExhausted(err);
  ankang::server::BackOff(fd);
  errno = err;
  return -1;
}
