// How many connections the server holds, and what it does when it can take no
// more. Pistache 0.0.5's listener retries a failed accept() at once, forever:
// out of file descriptors (EMFILE, ENFILE) it spins a core and never tells the
// client. This file gives accept() a back-off (a spare descriptor is given up
// to accept the waiting client, answer 503 and close, so the listening socket
// stops being readable; without one, the accepting thread sleeps 100 ms), and
// counts connections against a cap that the skin enforces with a 503.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace ankang::server {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now
// in force.
uint64_t RaiseFileLimit();

// The number of open file descriptors of this process.
size_t OpenFileCount();

// The connection cap to enforce: `wanted`, lowered so that the connections
// plus the descriptors open now (`in_use`) plus `headroom` for files, database
// and outgoing requests stay under `file_limit`; at least 1.
size_t EffectiveConnectionCap(size_t wanted, uint64_t file_limit, size_t in_use,
                              size_t headroom = 64);

// Arms the accept() back-off described above (keeps one spare descriptor).
// Safe to call more than once.
void InstallAcceptBackoff();

// Connections refused by the accept() back-off since start.
uint64_t AcceptBackoffRefusals();

// Open connections against a cap, shared by every reactor thread. A Slot is
// held for as long as its connection is open.
class ConnectionCount {
 public:
  explicit ConnectionCount(size_t cap) : cap_(cap) {}

  struct Slot {
    explicit Slot(std::shared_ptr<ConnectionCount> c) : count(std::move(c)) {}
    ~Slot() { count->open_.fetch_sub(1, std::memory_order_relaxed); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    std::shared_ptr<ConnectionCount> count;
  };

  // A slot for a new connection; `*over_cap` tells whether it is beyond the
  // cap (the connection is then answered 503 and closed, its slot released).
  static std::shared_ptr<Slot> Open(const std::shared_ptr<ConnectionCount>& c, bool* over_cap);

  size_t open() const { return open_.load(std::memory_order_relaxed); }
  size_t cap() const { return cap_.load(std::memory_order_relaxed); }
  void set_cap(size_t cap) { cap_.store(cap, std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  std::atomic<size_t> cap_;
  std::atomic<size_t> open_{0};
  std::atomic<uint64_t> refused_{0};
};

// The raw answer to a connection refused for load: 503, Retry-After, JSON, close.
std::string_view OverloadedAnswer();

}  // namespace ankang::server
