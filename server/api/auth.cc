// Logging in: residents by phone + one-time code, staff by username +
// password (Argon2id) under the back-off of domain/sign_in.h, admins with an
// enrolled TOTP code as well. Bearer tokens are random, stored as SHA-256
// hashes. A browser that asks for it ("cookie": true, or its page's
// X-Ankang-Session header) gets a device session in an HttpOnly cookie instead
// of the token (domain/sessions.h).
#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/crypto/totp.h"
#include "server/domain/persons.h"
#include "server/domain/sessions.h"
#include "server/domain/sign_in.h"
#include "shared/mask.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

constexpr int64_t kOtpSeconds = 300;
constexpr int kOtpMaxAttempts = 5;
constexpr int kOtpPerDay = 10;

// The declaration form's words for the same mistake (shared/validate.h).
Response PhoneError(const std::string& code) {
  FieldError e = PhoneFormatError("phone");
  if (code == "required") e = {"phone", "required", "请填写手机号码", "Please enter your mobile number."};
  return FieldErrors(Json::array({{{"field", e.field},
                                   {"code", e.code},
                                   {"message", e.message_zh + " / " + e.message_en},
                                   {"message_zh", e.message_zh},
                                   {"message_en", e.message_en}}}));
}

std::string OtpHash(const std::string& phone_hmac, const std::string& code) {
  return Sha256Hex(phone_hmac + ":" + code);
}

// With a device-session request (cookie_req: CookieRequested) the token goes
// into the cookie and not into the answer, and the session's first end is its
// idle length (DeviceIdleSeconds) when it has one.
Response NewSession(App& app, const std::string& kind, const std::string& subject,
                    const std::string& role, int64_t ttl, Json extra,
                    const std::string& device = "", const Request* cookie_req = nullptr) {
  const int64_t idle = cookie_req ? DeviceIdleSeconds(app.opts, kind, role) : 0;
  if (idle > 0) ttl = idle;
  const std::string token = RandomId(32);
  SessionRow s;
  s.token_hash = Sha256Hex(token);
  s.kind = kind;
  s.subject_id = subject;
  s.role = role;
  s.created_at = app.Now();
  s.expires_at = s.created_at + ttl;
  s.device = device;
  s.last_seen_at = s.created_at;
  app.db->PutSession(s);
  app.db->DeleteExpiredSessions(s.created_at);  // indexed; keeps the table small
  extra["expires_at"] = app.Iso(s.expires_at);
  if (cookie_req == nullptr) {
    extra["token"] = token;
    return JsonResponse(Status::kOk, extra);
  }
  // A browser holds one device session of a kind: the one it signed in with before ends.
  const std::string before =
      CookieSessionKind(*cookie_req) == kind ? CookieSessionToken(*cookie_req) : "";
  if (!before.empty()) app.db->DeleteSession(Sha256Hex(before));
  extra["session"] = "cookie";
  Response r = JsonResponse(Status::kOk, extra);
  r.headers.emplace_back("Set-Cookie", SessionSetCookie(*cookie_req, kind, token));
  return r;
}

// Whether a log-in asks for a device session of `kind`: "cookie": true in the
// body, or the page's X-Ankang-Session header naming that kind.
bool CookieRequested(const Request& req, const Json& body, const std::string& kind) {
  return (body.contains("cookie") && body["cookie"] == true) || CookieSessionKind(req) == kind;
}

Response RequestOtp(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  // "+44 7700 900123" and "+447700900123" are one number (and one account).
  const std::string phone = NormalizePhone(StrField(*body, "phone"));
  if (phone.empty()) return PhoneError("required");
  if (!CheckPhone(phone).empty()) return PhoneError(CheckPhone(phone));
  const int64_t now = app.Now();
  const std::string ph = PhoneHmac(app, phone);
  const std::string ip = app.data_keys.Hmac("ip", req.ip);
  if (app.db->CountOtpSendsByPhone(ph, now - 60) > 0) {
    err = ErrorResponse(Status::kRateLimited, "rate_limited",
                        "One code per minute; please wait. 请一分钟后再试。");
    err.headers.emplace_back("Retry-After", "60");
    return err;
  }
  if (app.db->CountOtpSendsByPhone(ph, now - 86400) >= kOtpPerDay ||
      app.db->CountOtpSendsByIp(ip, now - 3600) >= app.opts.otp_per_ip_per_hour) {
    err = ErrorResponse(Status::kRateLimited, "rate_limited",
                        "Too many codes requested; try again later. 请求过于频繁，请稍后再试。");
    err.headers.emplace_back("Retry-After", "3600");
    return err;
  }
  // Queued, not sent: the gateway's speed never holds this request. A code
  // that was not queued is deleted (or never written) and never sent; the
  // resident asks again.
  auto busy = [] {
    Response r = ErrorResponse(Status::kUnavailable, "sms_busy",
                               "Too many codes are waiting to be sent; try again in a moment. "
                               "验证码发送繁忙，请稍后再试。");
    r.headers.emplace_back("Retry-After", "10");
    return r;
  };
  if (!app.otp->HasRoom()) return busy();
  const std::string code = RandomDigits(6);
  app.db->PutOtp(OtpRow{ph, OtpHash(ph, code), now, now + kOtpSeconds, 0});
  if (!app.otp->Send(phone, code)) {
    app.db->DeleteOtp(ph);
    return busy();
  }
  app.db->RecordOtpSend(ph, ip, now);
  Json out = {{"sent", true}, {"expires_in", kOtpSeconds}};
  if (app.opts.dev) out["dev_code"] = code;
  return JsonResponse(Status::kAccepted, out);
}

Response Login(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::string phone = NormalizePhone(StrField(*body, "phone"));
  const std::string code = StrField(*body, "code");
  if (!CheckPhone(phone).empty()) return PhoneError(phone.empty() ? "required" : "bad_format");
  const int64_t now = app.Now();
  const std::string ph = PhoneHmac(app, phone);
  std::optional<OtpRow> otp = app.db->GetOtp(ph);
  if (!otp || otp->expires_at <= now) {
    return ErrorResponse(Status::kUnauthorized, "code_expired",
                         "No valid code for this number; request a new one. 验证码已失效。");
  }
  if (otp->attempts >= kOtpMaxAttempts) {
    app.db->DeleteOtp(ph);
    return ErrorResponse(Status::kRateLimited, "too_many_attempts",
                         "Too many wrong codes; request a new one. 错误次数过多。");
  }
  if (code.size() != 6 || !ConstantTimeEquals(OtpHash(ph, code), otp->code_hash)) {
    app.db->CountOtpAttempt(ph);
    return ErrorResponse(Status::kUnauthorized, "bad_code", "Wrong code. 验证码错误。");
  }
  app.db->DeleteOtp(ph);
  std::optional<AccountRow> acc = app.db->FindAccountByPhone(ph);
  if (!acc) {
    AccountRow a{RandomId(), ph, app.data_keys.Encrypt("account.phone", phone), now};
    app.db->CreateAccount(a);
    acc = a;
  }
  return NewSession(app, "resident", acc->id, "resident", app.opts.session_days * 86400,
                    {{"account_id", acc->id}}, DeviceSummary(req.Header("user-agent")),
                    CookieRequested(req, *body, "resident") ? &req : nullptr);
}

// A refused staff sign-in: audited (target the staff id, or the username's
// keyed hash when there is no such account; never the password).
Response StaffLoginFailed(App& app, const Request& req, const std::string& user,
                          const std::optional<StaffRow>& st, const std::string& reason,
                          Response answer) {
  const std::string target = st ? st->id : "username:" + UsernameHash(app, user);
  app.Audit(Caller{}, "staff.login_failed", target, {{"reason", reason}, {"address", req.ip}});
  return answer;
}

// 429 while the username or the address is in back-off (nothing is checked
// then: the answer is the same for any password); nullopt otherwise.
std::optional<Response> WhileLocked(App& app, const Request& req, const std::string& user,
                                    const std::optional<StaffRow>& st) {
  const int64_t wait = SignInRetryAfter(app, user, req.ip);
  if (wait <= 0) return std::nullopt;
  Response err =
      ErrorResponse(Status::kRateLimited, "sign_in_locked",
                    "Too many failed sign-ins; try again later. 登录失败次数过多，请稍后再试。");
  err.headers.emplace_back("Retry-After", std::to_string(wait));
  return StaffLoginFailed(app, req, user, st, "locked", err);
}

// The part of a staff sign-in after the lock check, on the password pool
// (Argon2id takes ~80 ms and 64 MiB: never on an HTTP worker). cookie: a
// device session was asked for (CookieRequested).
Response StaffLoginChecked(App& app, const Request& req, const std::string& user,
                           const std::string& pass, const std::string& totp,
                           const std::optional<StaffRow>& st, bool cookie);

Response StaffLogin(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::string user = StrField(*body, "username");
  const std::string pass = StrField(*body, "password");
  const std::string totp = StrField(*body, "totp");
  std::optional<StaffRow> st = user.empty() ? std::nullopt : app.db->FindStaffByUsername(user);
  if (auto locked = WhileLocked(app, req, user, st)) return *locked;
  const bool cookie = CookieRequested(req, *body, "staff");
  return app.password_pool->Run([&app, req, user, pass, totp, st, cookie] {
    // Checked again: failures of attempts queued alongside may have locked it meanwhile.
    if (auto locked = WhileLocked(app, req, user, st)) return *locked;
    return StaffLoginChecked(app, req, user, pass, totp, st, cookie);
  });
}

Response StaffLoginChecked(App& app, const Request& req, const std::string& user,
                           const std::string& pass, const std::string& totp,
                           const std::optional<StaffRow>& st, bool cookie) {
  // Check a password even for unknown users, so timing does not tell them apart.
  static const std::string kDummy = HashPassword("not a password");
  const bool ok = CheckPassword(st ? st->password_hash : kDummy, pass) && st && !st->disabled;
  if (!ok) {
    RecordSignInFailure(app, user, req.ip, true);
    return StaffLoginFailed(app, req, user, st,
                            !st            ? "unknown_user"
                            : st->disabled ? "disabled"
                                           : "bad_password",
                            ErrorResponse(Status::kUnauthorized, "bad_credentials",
                                          "Wrong username or password. 用户名或密码错误。"));
  }
  const TotpState totp_state = st->role == "admin" ? StaffTotpState(app, st->id) : TotpState::kNone;
  if (totp_state == TotpState::kEnrolled) {
    if (totp.empty()) {  // the password was right: not a guess from this address
      RecordSignInFailure(app, user, req.ip, false);
      return StaffLoginFailed(
          app, req, user, st, "totp_required",
          ErrorResponse(Status::kUnauthorized, "totp_required",
                        "Enter the code of your authenticator app (totp). 请输入动态验证码。"));
    }
    if (!AcceptStaffTotp(app, st->id, totp)) {
      RecordSignInFailure(app, user, req.ip, true);
      return StaffLoginFailed(app, req, user, st, "bad_totp",
                              ErrorResponse(Status::kUnauthorized, "bad_totp",
                                            "Wrong or used authenticator code. 动态验证码错误。"));
    }
  } else if (st->role == "admin" && app.opts.require_admin_totp) {
    return StaffLoginFailed(
        app, req, user, st, "totp_not_enrolled",
        ErrorResponse(Status::kForbidden, "totp_not_enrolled",
                      "This server requires a TOTP second factor for admins. On the server run "
                      "`ankang-server staff totp --username " +
                          st->username +
                          " --data <DIR>` and add the secret to an authenticator app. "
                          "管理员须先启用动态验证码。"));
  }
  ClearSignInFailures(app, user);
  Caller who{"staff", st->id, st->role, st->username, ""};
  app.Audit(who, "staff.login", st->id);
  return NewSession(app, "staff", st->id, st->role, app.opts.staff_session_hours * 3600,
                    {{"role", st->role}, {"username", st->username}},
                    DeviceSummary(req.Header("user-agent")), cookie ? &req : nullptr);
}

// POST /api/v1/auth/staff/totp: a new secret for the caller (an admin without
// an enrolled one), shown once; POST .../confirm {"code"} enrols it.
Response SetUpTotp(App& app, const Request& req) {
  if (StaffTotpState(app, req.caller.subject_id) == TotpState::kEnrolled) {
    return ErrorResponse(Status::kConflict, "totp_enrolled",
                         "TOTP is already enrolled; another admin can reset it first.");
  }
  const Bytes secret = SetUpStaffTotp(*app.db, app.data_keys, req.caller.subject_id, 0);
  app.Audit(req.caller, "staff.totp_setup", req.caller.subject_id);
  return JsonResponse(Status::kOk,
                      {{"secret", TotpBase32(secret)},
                       {"otpauth_url", TotpUri(app.opts.issuer_id, req.caller.username, secret)},
                       {"digits", kTotpDigits},
                       {"period", kTotpStepSeconds}});
}

Response ConfirmTotp(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (StaffTotpState(app, req.caller.subject_id) != TotpState::kPending) {
    return ErrorResponse(Status::kConflict, "no_pending_totp",
                         "Set up TOTP first (POST /api/v1/auth/staff/totp).");
  }
  if (!AcceptStaffTotp(app, req.caller.subject_id, StrField(*body, "code"))) {
    return ErrorResponse(Status::kUnauthorized, "bad_totp", "Wrong code. 动态验证码错误。");
  }
  app.Audit(req.caller, "staff.totp_enrol", req.caller.subject_id);
  return JsonResponse(Status::kOk, {{"totp", "enrolled"}});
}

Response Logout(App& app, const Request& req) {
  app.db->DeleteSession(req.caller.token_hash);
  Response r = JsonResponse(Status::kOk, {{"logged_out", true}});
  // A device session's cookie goes too (a bearer sign-out leaves the
  // browser's device session alone).
  if (!CookieSessionToken(req).empty()) {
    r.headers.emplace_back("Set-Cookie", SessionSetCookie(req, req.caller.kind, ""));
  }
  return r;
}

Response Me(App& app, const Request& req) {
  const Caller& c = req.caller;
  if (c.kind == "staff") {
    return JsonResponse(Status::kOk,
                        {{"kind", "staff"}, {"role", c.role}, {"username", c.username}});
  }
  std::string phone;
  if (auto a = app.db->GetAccount(c.subject_id)) {
    phone = app.data_keys.Decrypt("account.phone", a->phone_enc).value_or("");
  }
  return JsonResponse(Status::kOk, {{"kind", "resident"},
                                    {"role", "resident"},
                                    {"account_id", c.subject_id},
                                    {"phone_masked", MaskPhone(phone)}});
}

}  // namespace

void RegisterAuthRoutes(App& app) {
  Router& r = app.router;
  r.Add("POST", "/api/v1/auth/otp", kAnyone, RequestOtp);
  r.Add("POST", "/api/v1/auth/login", kAnyone, Login);
  r.Add("POST", "/api/v1/auth/staff", kAnyone, StaffLogin);
  r.Add("POST", "/api/v1/auth/staff/totp", kAdmin, SetUpTotp);
  r.Add("POST", "/api/v1/auth/staff/totp/confirm", kAdmin, ConfirmTotp);
  r.Add("POST", "/api/v1/auth/logout", kAuthenticated, Logout);
  r.Add("GET", "/api/v1/me", kAuthenticated, Me);
}

}  // namespace ankang::server
