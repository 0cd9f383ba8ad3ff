// The server's notion of "now". Everything that depends on time asks a Clock,
// so tests (and --dev trials) can move time with POST /api/v1/dev/clock.
#pragma once

#include <atomic>
#include <cstdint>

#include "shared/dates.h"

namespace ankang::server {

class Clock {
 public:
  virtual ~Clock() = default;
  // Unix seconds.
  virtual int64_t Now() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t Now() const override;
};

// A clock that runs with the system clock but can be moved (--dev only).
// Set(t) makes Now() return t plus the seconds elapsed since the call.
class DevClock : public Clock {
 public:
  int64_t Now() const override;
  void Set(int64_t unix_seconds);
  // Back to the system time.
  void Reset();

 private:
  std::atomic<int64_t> offset_{0};
};

// Instant for unix seconds in the server's time zone.
inline Instant ToInstant(int64_t unix_seconds, int offset_minutes) {
  return Instant{unix_seconds, offset_minutes};
}

}  // namespace ankang::server
