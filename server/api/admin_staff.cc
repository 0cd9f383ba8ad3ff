// Staff accounts: list, create, enable / disable, reset passwords, and the
// community (region) an issuer or venue manager is assigned to.
#include <algorithm>

#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "shared/regions.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

Json StaffJson(App& app, const StaffRow& s) {
  return {{"staff_id", s.id},
          {"username", s.username},
          {"role", s.role},
          {"disabled", s.disabled},
          {"created_at", app.Iso(s.created_at)}};
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
  s.password_hash = HashPassword(password);
  s.created_at = app.Now();
  if (!app.db->CreateStaff(s)) {
    return ErrorResponse(Status::kConflict, "username_taken", "That username exists.");
  }
  app.Audit(req.caller, "staff.create", s.id, {{"role", s.role}});
  return JsonResponse(Status::kCreated, StaffJson(app, s));
}

Response UpdateStaff(App& app, const Request& req) {
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
  app.Audit(req.caller, "staff.update", s->id, {{"disabled", s->disabled}});
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
  r.Add("GET", "/api/v1/admin/staff-regions", kAdmin, StaffRegions);
  r.Add("PUT", "/api/v1/admin/staff/{id}/region", kAdmin, SetStaffRegion);
}

}  // namespace ankang::server
