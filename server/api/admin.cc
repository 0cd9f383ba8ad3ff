// Health authority routes (防控管理): risk areas, the case list, regions that
// require review, appeals, staff accounts, statistics, audit log, key
// rotation. Every change is written to the audit log (ids only).
#include "server/api/routes.h"
#include "server/domain/persons.h"
#include "shared/mask.h"
#include "shared/regions.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

const std::vector<std::string> kAdmin = {"admin"};

Response GetRiskAreas(App& app, const Request&) {
  Json arr = Json::array();
  for (const auto& [region, level] : app.db->RiskAreas()) {
    arr.push_back({{"region", region}, {"level", level}, {"name", RegionPath(region)}});
  }
  return JsonResponse(Status::kOk, {{"areas", arr}});
}

Response PutRiskAreas(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (!body->contains("areas") || !(*body)["areas"].is_array()) {
    return FieldErrors(
        Json::array({FieldErrorJson("areas", "required", "array of {region, level}")}));
  }
  Json errors = Json::array();
  std::map<std::string, std::string> areas;
  const Json& list = (*body)["areas"];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string f = "areas[" + std::to_string(i) + "]";
    const std::string region = StrField(list[i], "region");
    const std::string level = StrField(list[i], "level");
    if (!IsKnownRegion(region))
      errors.push_back(FieldErrorJson(f + ".region", "bad_region", region));
    if (level != "high" && level != "medium" && level != "low") {
      errors.push_back(FieldErrorJson(f + ".level", "not_allowed", "high, medium or low"));
    }
    areas[region] = level;
  }
  if (!errors.empty()) return FieldErrors(errors);
  app.db->ReplaceRiskAreas(areas, app.Now());
  app.authority.Invalidate();
  app.Audit(req.caller, "risk_areas.put", "", {{"count", areas.size()}});
  return GetRiskAreas(app, req);
}

Response PutCaseStatus(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  static const std::vector<std::string> kStatuses = {"confirmed",     "suspected", "asymptomatic",
                                                     "close_contact", "recovered", "cleared",
                                                     "falsified"};
  Json errors = Json::array();
  const std::string id_type = StrField(*body, "id_type");
  auto type = IdTypeFromString(id_type);
  std::string id_number;
  if (!type) {
    errors.push_back(FieldErrorJson("id_type", "not_allowed", "resident_id, passport, ..."));
  } else {
    std::string code = CheckIdNumber(*type, StrField(*body, "id_number"), app.Today(), &id_number);
    if (!code.empty()) errors.push_back(FieldErrorJson("id_number", code, "invalid ID number"));
  }
  const std::string status = StrField(*body, "status");
  if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end()) {
    errors.push_back(FieldErrorJson("status", "not_allowed", "confirmed, suspected, ..."));
  }
  const std::string since = StrField(*body, "since");
  if (!since.empty() && !ParseDate(since)) {
    errors.push_back(FieldErrorJson("since", "bad_date", "YYYY-MM-DD"));
  }
  if (!errors.empty()) return FieldErrors(errors);
  CaseRow c{IdHmac(app, id_type, id_number), status, since, app.Now(), req.caller.username};
  app.db->PutCaseStatus(c);
  auto person = app.db->FindPersonByIdHmac(c.id_hmac);
  app.Audit(req.caller, "case_status.put", person ? person->id : "", {{"status", status}});
  return JsonResponse(Status::kOk, {{"status", status},
                                    {"since", since},
                                    {"id_masked", MaskIdNumber(id_number)},
                                    {"person_known", person.has_value()}});
}

Response GetReviewRegions(App& app, const Request&) {
  return JsonResponse(Status::kOk, {{"regions", app.db->ReviewRegions()},
                                    {"review_enabled", app.CurrentRules()->review}});
}

Response PutReviewRegions(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  if (!body->contains("regions") || !(*body)["regions"].is_array()) {
    return FieldErrors(
        Json::array({FieldErrorJson("regions", "required", "array of region codes")}));
  }
  std::vector<std::string> regions;
  Json errors = Json::array();
  const Json& list = (*body)["regions"];
  for (size_t i = 0; i < list.size(); ++i) {
    std::string r = list[i].is_string() ? list[i].get<std::string>() : "";
    if (!IsKnownRegion(r)) {
      errors.push_back(FieldErrorJson("regions[" + std::to_string(i) + "]", "bad_region", r));
    }
    regions.push_back(r);
  }
  if (!errors.empty()) return FieldErrors(errors);
  app.db->ReplaceReviewRegions(regions);
  app.authority.Invalidate();
  app.Audit(req.caller, "review_regions.put", "", {{"regions", regions}});
  return GetReviewRegions(app, req);
}

Json AppealJson(App& app, const AppealRow& a) {
  auto p = app.db->GetPerson(a.person_id);
  return {{"appeal_id", a.id},
          {"person_id", a.person_id},
          {"name_masked", p ? p->name_masked : ""},
          {"topic", a.topic},
          {"message", a.message},
          {"state", a.state},
          {"filed_at", app.Iso(a.filed_at)},
          {"due_at", app.Iso(a.due_at)},
          {"overdue", a.state == "open" && app.Now() > a.due_at},
          {"resolved_at", a.resolved_at ? Json(app.Iso(a.resolved_at)) : Json(nullptr)},
          {"resolved_by", a.resolved_by},
          {"note", a.note}};
}

Response ListAppeals(App& app, const Request& req) {
  Json out = Json::array();
  for (const AppealRow& a : app.db->ListAppeals(req.Query("state"))) {
    out.push_back(AppealJson(app, a));
  }
  return JsonResponse(Status::kOk, out);
}

// Applies an identity correction to a person; false with *err on refusal.
bool CorrectIdentity(App& app, const Request& req, const std::string& person_id,
                     const Json& correction, Response* err) {
  std::optional<PersonRow> p = app.db->GetPerson(person_id);
  if (!p || !correction.is_object()) {
    *err = FieldErrors(
        Json::array({FieldErrorJson("correction", "bad_type", "{name, id_type, id_number}")}));
    return false;
  }
  PersonPlain plain = Decrypt(app, *p);
  Json merged = {
      {"name", plain.name},      {"id_type", p->id_type},         {"id_number", plain.id_number},
      {"phone", plain.phone},    {"nationality", p->nationality}, {"region", p->region},
      {"address", plain.address}};
  for (const char* k : {"name", "id_type", "id_number"}) {
    if (correction.contains(k)) merged[k] = correction[k];
  }
  Json norm;
  std::vector<ankang::FieldError> errors =
      ValidatePerson(merged, app.Today(), "correction.", &norm);
  if (!errors.empty()) {
    *err = FieldErrors(ToJson(errors));
    return false;
  }
  const std::string h = IdHmac(app, StrField(norm, "id_type"), StrField(norm, "id_number"));
  auto other = app.db->FindPersonByIdHmac(h);
  if (other && other->id != p->id) {
    *err = ErrorResponse(Status::kConflict, "id_taken", "Another person has this ID number.");
    return false;
  }
  p->id_type = StrField(norm, "id_type");
  p->id_hmac = h;
  p->id_enc = app.data_keys.Encrypt("person.id_number", StrField(norm, "id_number"));
  p->id_tail = IdTail(StrField(norm, "id_number"));
  p->name_enc = app.data_keys.Encrypt("person.name", StrField(norm, "name"));
  p->name_masked = MaskName(StrField(norm, "name"));
  p->updated_at = app.Now();
  app.db->UpdatePerson(*p);
  app.Audit(req.caller, "person.identity_corrected", p->id);
  return true;
}

Response ResolveAppeal(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  std::optional<AppealRow> a = app.db->GetAppeal(req.Param("id"));
  if (!a) return ErrorResponse(Status::kNotFound, "not_found", "No such appeal.");
  const std::string decision =
      StrField(*body, "decision").empty() ? "resolved" : StrField(*body, "decision");
  const std::string note = StrField(*body, "note");
  Json errors = Json::array();
  if (decision != "resolved" && decision != "rejected") {
    errors.push_back(FieldErrorJson("decision", "not_allowed", "resolved or rejected"));
  }
  if (note.empty()) errors.push_back(FieldErrorJson("note", "required", "Tell the resident why"));
  if (!errors.empty()) return FieldErrors(errors);
  if (a->state != "open") {
    return ErrorResponse(Status::kConflict, "already_resolved", "This appeal is closed.");
  }
  // Name and ID are locked once a code was issued; an upheld appeal is the
  // one way to correct them ("correction": {name?, id_type?, id_number?}).
  if (decision == "resolved" && body->contains("correction")) {
    Response refused;
    if (!CorrectIdentity(app, req, a->person_id, (*body)["correction"], &refused)) return refused;
  }
  a->state = decision;
  a->note = note;
  a->resolved_at = app.Now();
  a->resolved_by = req.caller.username;
  app.db->UpdateAppeal(*a);
  app.Audit(req.caller, "appeal." + decision, a->id);
  return JsonResponse(Status::kOk, AppealJson(app, *a));
}

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

Response Audit(App& app, const Request& req) {
  int limit = 100;
  try {
    if (!req.Query("limit").empty()) limit = std::clamp(std::stoi(req.Query("limit")), 1, 1000);
  } catch (...) {
  }
  Json out = Json::array();
  for (const AuditRow& a : app.db->ListAudit(limit)) {
    out.push_back({{"at", app.Iso(a.at)},
                   {"actor", a.actor},
                   {"action", a.action},
                   {"target", a.target},
                   {"detail", Json::parse(a.detail, nullptr, false)}});
  }
  return JsonResponse(Status::kOk, out);
}

Response Stats(App& app, const Request&) {
  Json by_color = {{"green", 0}, {"gray", 0}, {"yellow", 0}, {"red", 0}};
  for (const auto& [c, n] : app.db->CountPersonsByColor()) {
    if (!c.empty()) by_color[c] = n;
  }
  return JsonResponse(Status::kOk, {{"persons_by_color", by_color},
                                    {"declarations", app.db->CountDeclarations()},
                                    {"at", app.Iso(app.Now())}});
}

Response RotateKeys(App& app, const Request& req) {
  const int64_t keep = app.opts.paper_days * 86400 + 3600;
  SigningKey k = app.signing.Rotate(app.Now(), keep);
  SaveSigningKeys(app.opts.data, app.signing);
  for (const SigningKey& p : app.signing.Published(app.Now())) {
    app.db->PutKeyMeta(KeyMetaRow{p.kid, Base64UrlEncode(p.public_key), p.not_before, p.not_after});
  }
  app.Audit(req.caller, "keys.rotate", k.kid);
  return JsonResponse(Status::kOk, {{"kid", k.kid}, {"not_before", app.Iso(k.not_before)}});
}

}  // namespace

void RegisterAdminRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/admin/risk-areas", kAdmin, GetRiskAreas);
  r.Add("PUT", "/api/v1/admin/risk-areas", kAdmin, PutRiskAreas);
  r.Add("PUT", "/api/v1/admin/case-status", kAdmin, PutCaseStatus);
  r.Add("GET", "/api/v1/admin/review-regions", kAdmin, GetReviewRegions);
  r.Add("PUT", "/api/v1/admin/review-regions", kAdmin, PutReviewRegions);
  r.Add("GET", "/api/v1/admin/appeals", kAdmin, ListAppeals);
  r.Add("POST", "/api/v1/admin/appeals/{id}/resolve", kAdmin, ResolveAppeal);
  r.Add("GET", "/api/v1/admin/staff", kAdmin, ListStaff);
  r.Add("POST", "/api/v1/admin/staff", kAdmin, CreateStaff);
  r.Add("PATCH", "/api/v1/admin/staff/{id}", kAdmin, UpdateStaff);
  r.Add("GET", "/api/v1/admin/audit", kAdmin, Audit);
  r.Add("GET", "/api/v1/admin/stats", kAdmin, Stats);
  r.Add("POST", "/api/v1/admin/keys/rotate", kAdmin, RotateKeys);
}

}  // namespace ankang::server
