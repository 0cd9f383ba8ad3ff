#include "server/clock.h"

#include <ctime>

namespace ankang::server {

int64_t SystemClock::Now() const { return static_cast<int64_t>(std::time(nullptr)); }

int64_t DevClock::Now() const { return static_cast<int64_t>(std::time(nullptr)) + offset_.load(); }

void DevClock::Set(int64_t unix_seconds) {
  offset_.store(unix_seconds - static_cast<int64_t>(std::time(nullptr)));
}

void DevClock::Reset() { offset_.store(0); }

}  // namespace ankang::server
