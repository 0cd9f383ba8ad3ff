// Persons for the admin: masked search, the audited reveal of full personal
// data (with a reason), and appeals (纠错: list, resolve, correct an identity).
#include <algorithm>

#include "server/api/routes.h"
#include "server/crypto/crypto.h"
#include "server/domain/persons.h"
#include "server/domain/scoring.h"
#include "shared/mask.h"
#include "shared/regions.h"
#include "shared/validate.h"

namespace ankang::server {
namespace {

Json PersonSummary(App& app, const PersonRow& p) {
  const std::string id = app.data_keys.Decrypt("person.id_number", p.id_enc).value_or("");
  return {{"person_id", p.id},    {"name_masked", p.name_masked},
          {"id_type", p.id_type}, {"id_masked", MaskIdNumber(id)},
          {"region", p.region},   {"region_name", RegionPath(p.region)},
          {"color", p.last_color}};
}

// POST /api/v1/admin/persons/search {"q": ID number, phone or person id} (in the body: no
// personal data in URLs or logs).
Response SearchPersons(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::string q = Trim(StrField(*body, "q"));
  if (q.empty() || q.size() > 64)
    return FieldErrors(
        Json::array({FieldErrorJson("q", "required", "ID number, phone or person id")}));
  std::map<std::string, PersonRow> found;
  if (auto p = app.db->GetPerson(q)) found[p->id] = *p;
  for (const char* type :
       {"resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_id"}) {
    std::string norm;
    auto t = IdTypeFromString(type);
    if (!t || !CheckIdNumber(*t, q, app.Today(), &norm).empty()) continue;
    if (auto p = app.db->FindPersonByIdHmac(IdHmac(app, type, norm))) found[p->id] = *p;
  }
  if (CheckPhone(q).empty()) {
    if (auto a = app.db->FindAccountByPhone(PhoneHmac(app, q))) {
      for (const GuardianRow& g : app.db->GuardianshipsOfAccount(a->id)) {
        if (auto p = app.db->GetPerson(g.person_id)) found[p->id] = *p;
      }
    }
  }
  Json out = Json::array();
  for (const auto& [id, p] : found) out.push_back(PersonSummary(app, p));
  app.Audit(req.caller, "person.search", "", {{"results", out.size()}});
  return JsonResponse(Status::kOk, {{"persons", out}});
}

// POST /api/v1/admin/persons/{id}/reveal {"reason"}: full personal data, audited with the reason.
Response RevealPerson(App& app, const Request& req) {
  Response err;
  auto body = ParseJsonObject(req, &err);
  if (!body) return err;
  const std::string reason = Trim(StrField(*body, "reason"));
  if (Utf8Length(reason) < 4 || Utf8Length(reason) > 200) {
    return FieldErrors(Json::array(
        {FieldErrorJson("reason", "required", "Say why (4–200 characters); it is audited.")}));
  }
  auto p = app.db->GetPerson(req.Param("id"));
  if (!p) return ErrorResponse(Status::kNotFound, "not_found", "No such person.");
  PersonPlain plain = Decrypt(app, *p);
  app.Audit(req.caller, "person.reveal", p->id, {{"reason", reason}});
  auto cs = app.db->GetCaseStatus(p->id_hmac);
  return JsonResponse(Status::kOk, {{"person",
                                     {{"person_id", p->id},
                                      {"name", plain.name},
                                      {"id_type", p->id_type},
                                      {"id_number", plain.id_number},
                                      {"phone", plain.phone},
                                      {"nationality", p->nationality},
                                      {"region", p->region},
                                      {"region_name", RegionPath(p->region)},
                                      {"address", plain.address},
                                      {"color", p->last_color},
                                      {"case_status", cs ? cs->status : ""}}},
                                    {"audited", true}});
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
  Json persons = Json::array();
  for (const AppealRow& a : app.db->ListAppeals(req.Query("state"))) {
    out.push_back(AppealJson(app, a));
    if (persons.size() < 500) persons.push_back(a.person_id);  // the audit entry stays small
  }
  app.Audit(req.caller, "appeal.read", "",
            {{"state", req.Query("state")}, {"count", out.size()}, {"persons", persons}});
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
  SetIdentity(app, norm, &*p);
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

}  // namespace

void RegisterAdminPersonRoutes(App& app) {
  Router& r = app.router;
  r.Add("GET", "/api/v1/admin/appeals", kAdmin, ListAppeals);
  r.Add("POST", "/api/v1/admin/appeals/{id}/resolve", kAdmin, ResolveAppeal);
  r.Add("POST", "/api/v1/admin/persons/search", kAdmin, SearchPersons);
  r.Add("POST", "/api/v1/admin/persons/{id}/reveal", kAdmin, RevealPerson);
}

}  // namespace ankang::server
