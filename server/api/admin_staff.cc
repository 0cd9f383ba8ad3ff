// Staff accounts: list (with sign-in locks and TOTP state), create, enable /
// disable, reset passwords (both end the account's sessions), unlock, reset
// TOTP, and the community (region) an issuer or venue manager is assigned to.
#include <algorithm>

#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/domain/sign_in.h"
#include "shared/regions.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

// With the sign-in state: `failures` in a row, `locked_until` (null when not
// locked) and `totp` ("none", "pending", "enrolled").
Json StaffJson(App& app, const StaffRow& s) {
  const SignInFailureRow lock = SignInState(app, s.username);
  const TotpState totp = StaffTotpState(app, s.id);
  return {{"staff_id", s.id},
          {"username", s.username},
          {"role", s.role},
          {"disabled", s.disabled},
          {"created_at", app.Iso(s.created_at)},
          {"failures", lock.failures},
          {"locked_until",
           RetryAfter(lock, app.Now()) > 0 ? Json(app.Iso(lock.locked_until)) : Json(nullptr)},
          {"totp", totp == TotpState::kEnrolled  ? "enrolled"
                   : totp == TotpState::kPending ? "pending"
                                                 : "none"}};
}

Response ListStaff(App& app, const Request&) {
  Json out = Json::array();
  for (const StaffRow& s : app.db->ListStaff()) out.push_back(StaffJson(app, s));
  return JsonResponse(Status::kOk, out);
}

Response CreateStaff(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  StaffRow s;
  s.username = StrField(*body, "username");
  s.role = StrField(*body, "role");
  const std::string password = StrField(*body, "password");
  Json errors = Json::array();
  if (s.username.empty() || s.username.size() > 64) {
    errors.push_back(FieldErrorJson("username", "required", "1–64 characters"));
  }
  if (s.role != "admin" && s.role != "verifier" && s.role != "issuer" && s.role != "venue") {
    errors.push_back(FieldErrorJson("role", "not_allowed", "admin, verifier, issuer or venue"));
  }
  if (password.size() < 10)
    errors.push_back(FieldErrorJson("password", "too_short", "≥ 10 characters"));
  if (!errors.empty()) return FieldErrors(errors);
  s.id = RandomId();
  s.created_at = app.Now();
  // Argon2id on the password pool, never on an HTTP worker.
  return app.password_pool->Run([&app, req, s, password]() mutable {
    s.password_hash = HashPassword(password);
    if (!app.db->CreateStaff(s)) {
      return ErrorResponse(Status::kConflict, "username_taken", "That username exists.");
    }
    app.Audit(req.caller, "staff.create", s.id, {{"role", s.role}});
    return JsonResponse(Status::kCreated, StaffJson(app, s));
  });
}

Response UpdateStaffNow(App& app, const Request& req);

// A new password is hashed on the password pool, never on an HTTP worker.
Response UpdateStaff(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (StrField(*body, "password").empty()) return UpdateStaffNow(app, req);
  return app.password_pool->Run([&app, req] { return UpdateStaffNow(app, req); });
}

Response UpdateStaffNow(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  std::optional<StaffRow> s = app.db->GetStaff(req.Param("id"));
  if (!s) return ErrorResponse(Status::kNotFound, "not_found", "No such staff account.");
  if (body->contains("disabled") && (*body)["disabled"].is_boolean()) {
    s->disabled = (*body)["disabled"].get<bool>();
  }
  const std::string password = StrField(*body, "password");
  if (!password.empty()) {
    if (password.size() < 10) {
      return FieldErrors(Json::array({FieldErrorJson("password", "too_short", "≥ 10 characters")}));
    }
    s->password_hash = HashPassword(password);
  }
  app.db->UpdateStaff(*s);
  // A new password or a disabled account ends every session of it at once.
  const int ended =
      (!password.empty() || s->disabled) ? app.db->DeleteSessionsOf("staff", s->id) : 0;
  app.Audit(req.caller, "staff.update", s->id,
            {{"disabled", s->disabled},
             {"password_changed", !password.empty()},
             {"sessions_ended", ended}});
  return JsonResponse(Status::kOk, StaffJson(app, *s));
}

// POST /api/v1/admin/staff/{id}/unlock: the username's failures start over.
Response UnlockStaff(App& app, const Request& req) {
  std::optional<StaffRow> s = app.db->GetStaff(req.Param("id"));
  if (!s) return ErrorResponse(Status::kNotFound, "not_found", "No such staff account.");
  const SignInFailureRow before = SignInState(app, s->username);
  ClearSignInFailures(app, s->username);
  app.Audit(req.caller, "staff.unlock", s->id, {{"failures", before.failures}});
  return JsonResponse(Status::kOk, StaffJson(app, *s));
}

// DELETE /api/v1/admin/staff/{id}/totp: a lost authenticator; the account
// signs in with its password until it enrols again.
Response ResetStaffTotp(App& app, const Request& req) {
  std::optional<StaffRow> s = app.db->GetStaff(req.Param("id"));
  if (!s) return ErrorResponse(Status::kNotFound, "not_found", "No such staff account.");
  app.db->DeleteStaffTotp(s->id);
  app.Audit(req.caller, "staff.totp_reset", s->id);
  return JsonResponse(Status::kOk, StaffJson(app, *s));
}

Response StaffRegions(App& app, const Request&) {
  Json out = Json::object();
  for (const auto& [id, region] : app.db->StaffRegions()) out[id] = region;
  return JsonResponse(Status::kOk, {{"regions", out}});
}

// PUT /api/v1/admin/staff/{id}/region {"region": "370103" | ""}
Response SetStaffRegion(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  auto s = app.db->GetStaff(req.Param("id"));
  if (!s) return ErrorResponse(Status::kNotFound, "not_found", "No such staff account.");
  const std::string region = StrField(*body, "region");
  if (!region.empty() && !IsKnownRegion(region)) {
    return FieldErrors(
        Json::array({FieldErrorJson("region", "bad_region", "a GB/T 2260 code or \"\"")}));
  }
  app.db->SetStaffRegion(s->id, region);
  app.Audit(req.caller, "staff.region", s->id, {{"region", region}});
  return JsonResponse(
      Status::kOk, {{"staff_id", s->id}, {"region", region}, {"region_name", RegionPath(region)}});
}

}  // namespace

void RegisterStaffRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/admin/staff", kAdmin, ListStaff);
  r.Add("POST", "/api/v1/admin/staff", kAdmin, CreateStaff);
  r.Add("PATCH", "/api/v1/admin/staff/{id}", kAdmin, UpdateStaff);
  r.Add("POST", "/api/v1/admin/staff/{id}/unlock", kAdmin, UnlockStaff);
  r.Add("DELETE", "/api/v1/admin/staff/{id}/totp", kAdmin, ResetStaffTotp);
  r.Add("GET", "/api/v1/admin/staff-regions", kAdmin, StaffRegions);
  r.Add("PUT", "/api/v1/admin/staff/{id}/region", kAdmin, SetStaffRegion);
}

}  // namespace ankang::server
