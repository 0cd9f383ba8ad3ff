// Who signs in: resident accounts, staff accounts and the regions staff work
// for, the sessions of both, the one-time codes residents log in with, and
// staff sign-in failures and TOTP secrets.
// Phone numbers arrive as a keyed hash (look-ups) and ciphertext (display);
// tokens and codes as hashes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ankang::server {

struct AccountRow {
  std::string id;
  std::string phone_hmac;
  std::string phone_enc;
  int64_t created_at = 0;
};

struct SessionRow {
  std::string token_hash;  // SHA-256 hex of the bearer token
  std::string kind;        // "resident" or "staff"
  std::string subject_id;  // account id or staff id
  std::string role;        // "resident", "verifier", "issuer", "venue", "admin"
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::string device;        // short User-Agent summary at log-in
  int64_t last_seen_at = 0;  // refreshed at most every few minutes
};

struct OtpRow {
  std::string phone_hmac;
  std::string code_hash;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int attempts = 0;
};

struct StaffRow {
  std::string id;
  std::string username;
  std::string role;
  std::string password_hash;  // Argon2id string
  int64_t created_at = 0;
  bool disabled = false;
};

// Consecutive failed staff sign-ins counted under one key: a username's keyed
// hash ("user:...") or a client address's ("addr:...").
struct SignInFailureRow {
  std::string key;
  int failures = 0;
  int64_t last_failure_at = 0;
  int64_t locked_until = 0;  // no attempt is checked before this instant
};

// A staff member's TOTP secret, encrypted with the data keys.
struct StaffTotpRow {
  std::string staff_id;
  std::string secret_enc;   // DataKeys::Encrypt("staff.totp", base32 secret)
  int64_t enrolled_at = 0;  // 0: set up, waiting for the first code
  int64_t last_step = 0;    // the last accepted time step: each code is good once
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Resident accounts, one per phone.
  virtual std::optional<AccountRow> FindAccountByPhone(const std::string& phone_hmac) = 0;
  virtual std::optional<AccountRow> GetAccount(const std::string& id) = 0;
  // REQUIRES: a.phone_hmac is not taken (FindAccountByPhone); a duplicate throws.
  virtual void CreateAccount(const AccountRow& a) = 0;

  // Sessions of residents and staff, by the hash of their bearer token.
  virtual void PutSession(const SessionRow& s) = 0;
  virtual std::optional<SessionRow> GetSession(const std::string& token_hash) = 0;
  virtual void DeleteSession(const std::string& token_hash) = 0;
  // The sessions of one account or staff member, newest first.
  virtual std::vector<SessionRow> SessionsOf(const std::string& kind,
                                             const std::string& subject_id) = 0;
  // last_seen_at = at; expires_at moved on to `expires_at` when that is later (0: kept).
  virtual void TouchSession(const std::string& token_hash, int64_t at, int64_t expires_at) = 0;
  // Deletes the sessions with expires_at <= now; returns how many.
  virtual int DeleteExpiredSessions(int64_t now) = 0;
  // Ends every session of one subject (kind "staff" or "resident"); returns how many.
  virtual int DeleteSessionsOf(const std::string& kind, const std::string& subject_id) = 0;

  // One-time codes and their rate limits.
  virtual void PutOtp(const OtpRow& o) = 0;  // replaces any code of that phone
  virtual std::optional<OtpRow> GetOtp(const std::string& phone_hmac) = 0;
  virtual void CountOtpAttempt(const std::string& phone_hmac) = 0;  // attempts + 1
  virtual void DeleteOtp(const std::string& phone_hmac) = 0;
  virtual void RecordOtpSend(const std::string& phone_hmac, const std::string& ip_hash,
                             int64_t at) = 0;
  // Codes sent to a phone / from an address at or after `since`.
  virtual int CountOtpSendsByPhone(const std::string& phone_hmac, int64_t since) = 0;
  virtual int CountOtpSendsByIp(const std::string& ip_hash, int64_t since) = 0;

  // Staff.
  virtual bool CreateStaff(const StaffRow& s) = 0;  // false: username taken
  virtual std::optional<StaffRow> FindStaffByUsername(const std::string& username) = 0;
  virtual std::optional<StaffRow> GetStaff(const std::string& id) = 0;
  virtual std::vector<StaffRow> ListStaff() = 0;  // by username
  virtual bool UpdateStaff(
      const StaffRow& s) = 0;  // role, password_hash, disabled; false: no such id
  // The community (region code) an issuer or venue manager works for; "" = everywhere.
  virtual void SetStaffRegion(const std::string& staff_id, const std::string& region) = 0;
  virtual std::string StaffRegion(const std::string& staff_id) = 0;
  virtual std::map<std::string, std::string> StaffRegions() = 0;  // staff id -> region

  // Failed staff sign-ins by key (domain/sign_in.h decides what they mean).
  virtual std::optional<SignInFailureRow> GetSignInFailures(const std::string& key) = 0;
  virtual void PutSignInFailures(const SignInFailureRow& r) = 0;  // replaces that key's row
  virtual void DeleteSignInFailures(const std::string& key) = 0;
  // Staff TOTP secrets, one per staff member.
  virtual std::optional<StaffTotpRow> GetStaffTotp(const std::string& staff_id) = 0;
  virtual void PutStaffTotp(const StaffTotpRow& r) = 0;  // replaces that member's row
  virtual void DeleteStaffTotp(const std::string& staff_id) = 0;
};

}  // namespace ankang::server
