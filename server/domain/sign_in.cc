#include "server/domain/sign_in.h"

#include <algorithm>

#include "server/crypto/crypto.h"
#include "server/crypto/totp.h"

namespace ankang::server {

int64_t BackoffSeconds(int failures, const BackoffPolicy& p) {
  if (failures < p.free_failures) return 0;
  int64_t s = p.first_seconds;
  for (int i = p.free_failures; i < failures && s < p.max_seconds; ++i) s *= 2;
  return std::min(s, p.max_seconds);
}

SignInFailureRow AfterFailure(SignInFailureRow row, int64_t now, const BackoffPolicy& p) {
  if (row.failures > 0 && now - row.last_failure_at >= p.forget_seconds) row.failures = 0;
  ++row.failures;
  row.last_failure_at = now;
  const int64_t lock = BackoffSeconds(row.failures, p);
  row.locked_until = lock > 0 ? now + lock : 0;
  return row;
}

int64_t RetryAfter(const SignInFailureRow& row, int64_t now) {
  return row.locked_until > now ? row.locked_until - now : 0;
}

std::string UsernameHash(App& app, const std::string& username) {
  return app.data_keys.Hmac("staff.username", username);
}

std::string UsernameKey(App& app, const std::string& username) {
  return "user:" + UsernameHash(app, username);
}

std::string AddressKey(App& app, const std::string& ip) {
  return "addr:" + app.data_keys.Hmac("ip", ip);
}

int64_t SignInRetryAfter(App& app, const std::string& username, const std::string& ip) {
  const int64_t now = app.Now();
  int64_t wait = 0;
  for (const std::string& key : {UsernameKey(app, username), AddressKey(app, ip)}) {
    if (auto row = app.db->GetSignInFailures(key)) wait = std::max(wait, RetryAfter(*row, now));
  }
  return wait;
}

void RecordSignInFailure(App& app, const std::string& username, const std::string& ip,
                         bool count_address) {
  const int64_t now = app.Now();
  auto count = [&](const std::string& key, const BackoffPolicy& p) {
    SignInFailureRow row = app.db->GetSignInFailures(key).value_or(SignInFailureRow{key});
    app.db->PutSignInFailures(AfterFailure(row, now, p));
  };
  app.db->Transaction([&] {
    count(UsernameKey(app, username), kUserBackoff);
    if (count_address) count(AddressKey(app, ip), kAddressBackoff);
  });
}

void ClearSignInFailures(App& app, const std::string& username) {
  app.db->DeleteSignInFailures(UsernameKey(app, username));
}

SignInFailureRow SignInState(App& app, const std::string& username) {
  const std::string key = UsernameKey(app, username);
  SignInFailureRow row = app.db->GetSignInFailures(key).value_or(SignInFailureRow{key});
  if (row.failures > 0 && app.Now() - row.last_failure_at >= kUserBackoff.forget_seconds) {
    row = SignInFailureRow{key};
  }
  return row;
}

TotpState StaffTotpState(App& app, const std::string& staff_id) {
  auto row = app.db->GetStaffTotp(staff_id);
  if (!row) return TotpState::kNone;
  return row->enrolled_at > 0 ? TotpState::kEnrolled : TotpState::kPending;
}

Bytes SetUpStaffTotp(Storage& db, const DataKeys& keys, const std::string& staff_id,
                     int64_t enrolled_at) {
  const Bytes secret = NewTotpSecret();
  StaffTotpRow row;
  row.staff_id = staff_id;
  row.secret_enc = keys.Encrypt("staff.totp", TotpBase32(secret));
  row.enrolled_at = enrolled_at;
  db.PutStaffTotp(row);
  return secret;
}

bool AcceptStaffTotp(App& app, const std::string& staff_id, const std::string& code) {
  bool ok = false;
  app.db->Transaction([&] {
    auto row = app.db->GetStaffTotp(staff_id);
    if (!row) return;
    auto text = app.data_keys.Decrypt("staff.totp", row->secret_enc);
    auto secret = text ? TotpSecretFromBase32(*text) : std::nullopt;
    if (!secret) return;
    auto step = TotpStep(*secret, app.Now(), code);
    if (!step || *step <= row->last_step) return;  // wrong, or already used
    row->last_step = *step;
    if (row->enrolled_at == 0) row->enrolled_at = app.Now();
    app.db->PutStaffTotp(*row);
    ok = true;
  });
  return ok;
}

}  // namespace ankang::server
