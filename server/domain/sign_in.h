// Staff sign-in: the back-off that limits password guessing per username and
// per client address, and the TOTP second factor of admin accounts.
//
// A key (a username or an address) may fail `free_failures` times; from then
// on each failure locks it for a window that doubles with every further
// failure, up to `max_seconds`. Attempts while locked are answered 429 without
// checking anything (so they cost no Argon2id and prove nothing). A success
// clears the username's counter, never the address's (one valid account must
// not reset an address that guesses at others); counters idle for
// `forget_seconds` start over. Unknown usernames are counted like known ones,
// so a lock says nothing about whether an account exists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "server/app.h"
#include "server/store/account_store.h"

namespace ankang::server {

struct BackoffPolicy {
  int free_failures = 5;           // failures before the first lock
  int64_t first_seconds = 30;      // the first lock; doubles with each further failure
  int64_t max_seconds = 3600;      // the longest lock
  int64_t forget_seconds = 86400;  // a counter idle this long starts over
};

// Per username: 5 failures, then 30 s, 60 s, ... up to an hour. Per address:
// 20 failures (an office behind one NAT address), then the same.
inline constexpr BackoffPolicy kUserBackoff{};
inline constexpr BackoffPolicy kAddressBackoff{20, 30, 3600, 86400};

// The lock after `failures` consecutive failures: 0 while failures <
// free_failures, then first_seconds * 2^(failures - free_failures), at most
// max_seconds.
int64_t BackoffSeconds(int failures, const BackoffPolicy& p);
// `row` after one more failure at `now` (an idle counter starts over).
SignInFailureRow AfterFailure(SignInFailureRow row, int64_t now, const BackoffPolicy& p);
// Seconds before `row` lets another attempt through (0: now).
int64_t RetryAfter(const SignInFailureRow& row, int64_t now);

// A username's keyed hash (what audit entries name when there is no account).
std::string UsernameHash(App& app, const std::string& username);
// The storage keys of a username's and an address's counters (keyed hashes).
std::string UsernameKey(App& app, const std::string& username);
std::string AddressKey(App& app, const std::string& ip);
// Seconds until `username` may try again from `ip` (the longer of both locks).
int64_t SignInRetryAfter(App& app, const std::string& username, const std::string& ip);
// Counts a failure against the username and, when `count_address`, the address.
void RecordSignInFailure(App& app, const std::string& username, const std::string& ip,
                         bool count_address);
// After a success or an admin's unlock: the username starts over.
void ClearSignInFailures(App& app, const std::string& username);
// The username's counter as the admin console shows it (failures 0 when none).
SignInFailureRow SignInState(App& app, const std::string& username);

// TOTP of a staff member (secrets encrypted with App::data_keys).
enum class TotpState { kNone, kPending, kEnrolled };
TotpState StaffTotpState(App& app, const std::string& staff_id);
// A fresh secret for `staff_id`, stored as pending (enrolled at once when
// enrolled_at > 0, as the CLI does): replaces any earlier one. Returns the
// secret. Takes storage and keys rather than App so that the CLI can call it.
Bytes SetUpStaffTotp(Storage& db, const DataKeys& keys, const std::string& staff_id,
                     int64_t enrolled_at);
// True when `code` is the current code of the staff member's secret (pending or
// enrolled) and newer than the last accepted one; records it as used and
// marks a pending secret enrolled.
bool AcceptStaffTotp(App& app, const std::string& staff_id, const std::string& code);

}  // namespace ankang::server
