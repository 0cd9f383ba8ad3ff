// Calendar dates and instants (shared/dates.h).
#include "shared/dates.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>
#include <random>

using ankang::Date;
using ankang::Instant;

TEST_CASE("leap years follow the Gregorian rules", "[dates]") {
  CHECK(ankang::IsValidDate(2024, 2, 29));
  CHECK(ankang::IsValidDate(2000, 2, 29));
  CHECK_FALSE(ankang::IsValidDate(1900, 2, 29));
  CHECK_FALSE(ankang::IsValidDate(2023, 2, 29));
  CHECK_FALSE(ankang::IsValidDate(2100, 2, 29));
  CHECK(ankang::IsValidDate(2023, 2, 28));
  CHECK_FALSE(ankang::IsValidDate(2024, 4, 31));
  CHECK(ankang::IsValidDate(2024, 12, 31));
  CHECK_FALSE(ankang::IsValidDate(2024, 13, 1));
  CHECK_FALSE(ankang::IsValidDate(2024, 0, 1));
  CHECK_FALSE(ankang::IsValidDate(2024, 1, 0));
}

TEST_CASE("day numbers count from 1970-01-01 and round-trip", "[dates]") {
  CHECK(ankang::DaysFromCivil(Date{1970, 1, 1}) == 0);
  CHECK(ankang::DaysFromCivil(Date{2000, 3, 1}) == 11017);
  CHECK(ankang::DaysFromCivil(Date{1900, 1, 1}) == -25567);
  CHECK(ankang::CivilFromDays(-1) == Date{1969, 12, 31});
  CHECK(ankang::CivilFromDays(11016) == Date{2000, 2, 29});
  for (int64_t d = -800000; d <= 800000; d += 997) {
    REQUIRE(ankang::DaysFromCivil(ankang::CivilFromDays(d)) == d);
  }
  CHECK(ankang::DaysBetween(Date{2024, 2, 28}, Date{2024, 3, 1}) == 2);
  CHECK(ankang::DaysBetween(Date{2023, 2, 28}, Date{2023, 3, 1}) == 1);
  CHECK(ankang::DaysBetween(Date{2024, 3, 15}, Date{2024, 3, 1}) == -14);
  CHECK(ankang::AddDays(Date{2023, 12, 25}, 14) == Date{2024, 1, 8});
  CHECK(ankang::AddDays(Date{2024, 3, 1}, -1) == Date{2024, 2, 29});
}

TEST_CASE("ParseDate is strict YYYY-MM-DD", "[dates]") {
  auto d = ankang::ParseDate("2024-02-29");
  REQUIRE(d);
  CHECK(*d == Date{2024, 2, 29});
  CHECK_FALSE(ankang::ParseDate("2023-02-29"));
  CHECK_FALSE(ankang::ParseDate("2024-2-29"));
  CHECK_FALSE(ankang::ParseDate("2024/02/29"));
  CHECK_FALSE(ankang::ParseDate("2024-02-29 "));
  CHECK_FALSE(ankang::ParseDate(" 2024-02-29"));
  CHECK_FALSE(ankang::ParseDate("2024-02-2x"));
  CHECK_FALSE(ankang::ParseDate(""));
  CHECK_FALSE(ankang::ParseDate("0000-01-01"));
  CHECK(ankang::FormatDate(Date{2024, 3, 5}) == "2024-03-05");
  CHECK(ankang::FormatDate(Date{987, 1, 2}) == "0987-01-02");
}

TEST_CASE("ParseInstant keeps the offset and computes Unix seconds", "[dates]") {
  auto t = ankang::ParseInstant("2024-03-15T08:00:00+08:00");
  REQUIRE(t);
  CHECK(t->unix_seconds == 1710460800);
  CHECK(t->offset_minutes == 480);

  auto z = ankang::ParseInstant("2024-03-15T00:00:00Z");
  REQUIRE(z);
  CHECK(z->unix_seconds == 1710460800);
  CHECK(z->offset_minutes == 0);

  auto neg = ankang::ParseInstant("2024-02-29T23:30:00-05:30");
  REQUIRE(neg);
  CHECK(neg->unix_seconds == 1709269200);
  CHECK(neg->offset_minutes == -330);

  auto frac = ankang::ParseInstant("2024-03-15T08:00:00.123+08:00");
  REQUIRE(frac);
  CHECK(frac->unix_seconds == 1710460800);

  CHECK_FALSE(ankang::ParseInstant("2024-03-15T08:00:00"));  // no offset
  CHECK_FALSE(ankang::ParseInstant("2024-03-15T24:00:00Z"));
  CHECK_FALSE(ankang::ParseInstant("2024-03-15T08:60:00Z"));
  CHECK_FALSE(ankang::ParseInstant("2024-03-15T08:00:00+0800"));
  CHECK_FALSE(ankang::ParseInstant("2024-03-15T08:00:00+15:00"));
  CHECK_FALSE(ankang::ParseInstant("2024-03-15T08:00:00Zjunk"));
  CHECK_FALSE(ankang::ParseInstant("2024-03-15T08:00:00.+08:00"));
  CHECK_FALSE(ankang::ParseInstant("2024-02-30T08:00:00+08:00"));
  CHECK_FALSE(ankang::ParseInstant(""));
  CHECK_FALSE(ankang::ParseInstant("2024-03-15"));
}

TEST_CASE("FormatInstant round-trips in the instant's own offset", "[dates]") {
  for (const char* s :
       {"2024-03-15T08:00:00+08:00", "2024-02-29T23:30:00-05:30", "1969-12-31T23:59:59+00:00",
        "2026-11-21T08:00:00+08:00", "2000-01-01T00:00:00+14:00"}) {
    auto t = ankang::ParseInstant(s);
    REQUIRE(t);
    CHECK(ankang::FormatInstant(*t) == s);
  }
  auto z = ankang::ParseInstant("2024-03-15T00:00:00Z");
  REQUIRE(z);
  CHECK(ankang::FormatInstant(*z) == "2024-03-15T00:00:00+00:00");
  // The same moment shown in China Standard Time.
  CHECK(ankang::FormatInstant(Instant{z->unix_seconds, 480}) == "2024-03-15T08:00:00+08:00");
  CHECK(ankang::FormatLocalTime(Instant{z->unix_seconds, 480}) == "08:00");
}

TEST_CASE("LocalDate counts days in the instant's offset", "[dates]") {
  auto t = ankang::ParseInstant("2024-03-14T20:00:00Z");
  REQUIRE(t);
  CHECK(ankang::LocalDate(Instant{t->unix_seconds, 0}) == Date{2024, 3, 14});
  CHECK(ankang::LocalDate(Instant{t->unix_seconds, 480}) == Date{2024, 3, 15});
  CHECK(ankang::LocalDate(Instant{-1, 0}) == Date{1969, 12, 31});

  Instant at = ankang::AtLocalTime(Date{2024, 3, 15}, 18, 0, 480);
  CHECK(ankang::FormatInstant(at) == "2024-03-15T18:00:00+08:00");
  CHECK(at.unix_seconds == 1710460800 + 10 * 3600);
  CHECK(ankang::LocalDate(at) == Date{2024, 3, 15});
}

TEST_CASE("AddWorkingDays skips Saturdays and Sundays, keeping time and offset", "[dates]") {
  auto add = [](const char* iso, int n) {
    return ankang::FormatInstant(ankang::AddWorkingDays(*ankang::ParseInstant(iso), n));
  };
  // 2026-11-20 is a Friday.
  CHECK(add("2026-11-20T10:00:00+08:00", 1) == "2026-11-23T10:00:00+08:00");  // Monday
  CHECK(add("2026-11-20T10:00:00+08:00", 3) == "2026-11-25T10:00:00+08:00");  // Wednesday
  CHECK(add("2026-11-18T10:00:00+08:00", 2) == "2026-11-20T10:00:00+08:00");  // Wed -> Fri
  CHECK(add("2026-11-21T15:30:00+08:00", 1) == "2026-11-23T15:30:00+08:00");  // Sat -> Mon
  CHECK(add("2026-11-22T15:30:00+08:00", 5) == "2026-11-27T15:30:00+08:00");  // Sun -> Fri
  CHECK(add("2026-11-20T10:00:00+08:00", 10) == "2026-12-04T10:00:00+08:00");
  CHECK(add("2026-12-31T09:00:00+08:00", 2) == "2027-01-04T09:00:00+08:00");  // over the year
  CHECK(add("2026-11-21T15:30:00+08:00", 0) == "2026-11-21T15:30:00+08:00");
  CHECK(add("2026-11-21T15:30:00+08:00", -2) == "2026-11-21T15:30:00+08:00");
  // Weekdays are those of the instant's own offset: Friday 20:00Z is Saturday in +08:00.
  CHECK(add("2026-11-20T20:00:00Z", 1) == "2026-11-23T20:00:00+00:00");
  CHECK(add("2026-11-21T04:00:00+08:00", 1) == "2026-11-23T04:00:00+08:00");
}

TEST_CASE("instants outside years 1-9999 show as the nearest end, without overflow", "[dates]") {
  // A foreign token's expiry of INT64_MAX reached FormatInstant (a signed overflow, UBSan).
  const int64_t max = INT64_MAX, min = INT64_MIN;
  CHECK(ankang::FormatInstant(Instant{max, 480}) == "9999-12-31T23:59:59+08:00");
  CHECK(ankang::FormatInstant(Instant{min, 480}) == "0001-01-01T00:00:00+08:00");
  CHECK(ankang::FormatInstant(Instant{max, -720}) == "9999-12-31T23:59:59-12:00");
  CHECK(ankang::FormatInstant(Instant{0, INT32_MIN}).size() > 19);
  CHECK(ankang::FormatInstant(Instant{0, INT32_MAX}).size() > 19);
  CHECK(ankang::LocalDate(Instant{max, 480}) == Date{9999, 12, 31});
  CHECK(ankang::LocalDate(Instant{min, 0}) == Date{1, 1, 1});
  CHECK(ankang::FormatLocalTime(Instant{max, 0}) == "23:59");
  // The ends themselves are exact.
  CHECK(ankang::FormatInstant(*ankang::ParseInstant("9999-12-31T23:59:59+14:00")) ==
        "9999-12-31T23:59:59+14:00");
  CHECK(ankang::FormatInstant(*ankang::ParseInstant("0001-01-01T00:00:00-14:00")) ==
        "0001-01-01T00:00:00-14:00");
}

TEST_CASE("FormatInstant writes what printf writes, for instants and offsets of every kind",
          "[dates]") {
  std::mt19937_64 rng(20261129);
  for (int i = 0; i < 20000; ++i) {
    const int64_t s = static_cast<int64_t>(rng() % 9000000000ULL) - 2000000000LL;  // 1906-2255
    const int offset = static_cast<int>(rng() % 2881) - 1440;
    const time_t local = static_cast<time_t>(s + int64_t{offset} * 60);
    std::tm tm{};
    REQUIRE(gmtime_r(&local, &tm) != nullptr);
    const int off = offset < 0 ? -offset : offset;
    char want[48];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  offset < 0 ? '-' : '+', off / 60, off % 60);
    CHECK(ankang::FormatInstant(Instant{s, offset}) == want);
  }
}
