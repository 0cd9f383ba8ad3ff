#include "shared/dates.h"

#include <algorithm>
#include <cstdio>

namespace ankang {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[m - 1];
}

// The local times an instant is shown as: 0001-01-01T00:00:00 to
// 9999-12-31T23:59:59. An instant outside (a foreign token's expiry of
// INT64_MAX, say) shows as the nearest end instead of overflowing.
constexpr int64_t kMinLocalSeconds = -62135596800;
constexpr int64_t kMaxLocalSeconds = 253402300799;

// Seconds since 1970-01-01T00:00:00 in t's own offset, clamped to the range above.
int64_t LocalSeconds(const Instant& t) {
  constexpr int64_t kSlack = int64_t{1} << 40;  // > any int minutes * 60
  const int64_t s =
      std::clamp(t.unix_seconds, kMinLocalSeconds - kSlack, kMaxLocalSeconds + kSlack);
  return std::clamp(s + int64_t{t.offset_minutes} * 60, kMinLocalSeconds, kMaxLocalSeconds);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : (a - (b - 1)) / b; }

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(const Date& d) {
  int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (d.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return Date{y, m, d};
}

bool IsValidDate(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  return day <= DaysInMonth(year, month);
}

std::optional<Date> ParseDate(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return std::nullopt;
  if (!IsValidDate(y, m, d)) return std::nullopt;
  return Date{y, m, d};
}

std::string FormatDate(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::optional<Instant> ParseInstant(std::string_view s) {
  auto date = ParseDate(s.substr(0, 10));
  if (!date || s.size() < 20 || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  int hh, mm, ss;
  if (!Digits(s, 11, 2, &hh) || s[13] != ':' || !Digits(s, 14, 2, &mm) || s[16] != ':' ||
      !Digits(s, 17, 2, &ss))
    return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  int offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 14 || om > 59)
      return std::nullopt;
    offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  int64_t local = DaysFromCivil(*date) * 86400 + hh * 3600 + mm * 60 + ss;
  return Instant{local - offset * 60, offset};
}

std::string FormatInstant(const Instant& t) {
  const int64_t local = LocalSeconds(t);
  const int64_t days = FloorDiv(local, 86400);
  const int64_t secs = local - days * 86400;
  const Date d = CivilFromDays(days);
  const int64_t off = t.offset_minutes < 0 ? -int64_t{t.offset_minutes} : t.offset_minutes;
  if (d.year >= 0 && d.year <= 9999 && off < 100 * 60) {
    // The same text without printf (every code and verification formats a few).
    char out[25];
    auto put = [&out](int at, int64_t v, int digits) {
      for (int i = digits - 1; i >= 0; --i, v /= 10) out[at + i] = static_cast<char>('0' + v % 10);
    };
    put(0, d.year, 4);
    out[4] = '-';
    put(5, d.month, 2);
    out[7] = '-';
    put(8, d.day, 2);
    out[10] = 'T';
    put(11, secs / 3600, 2);
    out[13] = ':';
    put(14, secs / 60 % 60, 2);
    out[16] = ':';
    put(17, secs % 60, 2);
    out[19] = t.offset_minutes < 0 ? '-' : '+';
    put(20, off / 60, 2);
    out[22] = ':';
    put(23, off % 60, 2);
    return std::string(out, sizeof out);
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02lld:%02lld", d.year, d.month,
                d.day, static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60), t.offset_minutes < 0 ? '-' : '+',
                static_cast<long long>(off / 60), static_cast<long long>(off % 60));
  return buf;
}

std::string FormatLocalTime(const Instant& t) { return FormatInstant(t).substr(11, 5); }

Date LocalDate(const Instant& t) { return CivilFromDays(FloorDiv(LocalSeconds(t), 86400)); }

Instant AtLocalTime(const Date& d, int hour, int minute, int offset_minutes) {
  int64_t local = DaysFromCivil(d) * 86400 + hour * 3600 + minute * 60;
  return Instant{local - offset_minutes * 60, offset_minutes};
}

Instant AddWorkingDays(const Instant& at, int n) {
  Instant t = at;
  while (n > 0) {
    t.unix_seconds += 86400;
    // 1970-01-01 was a Thursday; 0 = Sunday, 6 = Saturday.
    const int64_t weekday = (DaysFromCivil(LocalDate(t)) % 7 + 11) % 7;
    if (weekday != 0 && weekday != 6) --n;
  }
  return t;
}

}  // namespace ankang
