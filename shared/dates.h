// Calendar dates and instants as plain values. The core never reads a clock:
// "now" always comes in as an Instant. Instants are Unix seconds plus the UTC
// offset they are to be shown in; days are counted in that offset's local time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ankang {

struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;
  bool operator==(const Date& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
};

struct Instant {
  int64_t unix_seconds = 0;
  int offset_minutes = 480;  // Default: +08:00 (China Standard Time).
};

// Days since 1970-01-01 (proleptic Gregorian); negative before it.
int64_t DaysFromCivil(const Date& d);
Date CivilFromDays(int64_t days);
bool IsValidDate(int year, int month, int day);

// Strict "YYYY-MM-DD"; nullopt for anything else or an impossible date.
std::optional<Date> ParseDate(std::string_view s);
std::string FormatDate(const Date& d);

// ISO 8601 "YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm)"; the offset is kept.
std::optional<Instant> ParseInstant(std::string_view s);
// "YYYY-MM-DDThh:mm:ss+08:00" in the instant's own offset. An instant whose
// local time falls outside the years 0001-9999 shows as the nearest end of them.
std::string FormatInstant(const Instant& t);
// "hh:mm" local time.
std::string FormatLocalTime(const Instant& t);

// The local calendar date of an instant in its offset (clamped as FormatInstant).
Date LocalDate(const Instant& t);
// The instant at local time h:m on date d in the given offset.
Instant AtLocalTime(const Date& d, int hour, int minute, int offset_minutes);
// Whole days from a to b (b - a); positive when b is later.
inline int64_t DaysBetween(const Date& a, const Date& b) {
  return DaysFromCivil(b) - DaysFromCivil(a);
}
inline Date AddDays(const Date& d, int64_t n) { return CivilFromDays(DaysFromCivil(d) + n); }
// `at` plus n working days (Monday to Friday in at's local time; public
// holidays are not known), at the same local time and offset. n <= 0 gives at.
Instant AddWorkingDays(const Instant& at, int n);

}  // namespace ankang
